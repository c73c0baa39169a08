// The bench runs each peer (linkinator, the ceiling client, the read-load client) in a Node process of
// its own: the fake web lives in the bench's process, and a client sharing its event loop would slow
// both and be measured unfairly against the service, which has a process of its own.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sampleTreeMemory, type TreeMemory } from './process-tree.js';
import type { Workspace } from './workspace.js';
const INPUT_VARIABLE = 'BENCH_CHILD_INPUT';
const OUTPUT_VARIABLE = 'BENCH_CHILD_OUTPUT';

export interface ChildRun<T> {
  output: T;
  /** From spawn to exit, Node's start-up included. */
  processSeconds: number;
  memory: TreeMemory;
}

/**
 * Runs a compiled bench script (`dist/bench/<name>.js` of the workspace's build) with `input`, optionally with the fake-dns
 * preload, sampling the memory of its process tree; resolves with the output it wrote. Both go through
 * JSON files: request lists outgrow an environment variable, and a large write to a stdout pipe may be
 * cut short when the script exits.
 */
export async function runNodeChild<T>(options: {
  name: string;
  input: unknown;
  workspace: Workspace;
  env?: Record<string, string>;
  fakeDns?: boolean;
}): Promise<ChildRun<T>> {
  const { dir, build } = options.workspace;
  const inputFile = join(dir, `${options.name}-input.json`);
  const outputFile = join(dir, `${options.name}-output.json`);
  writeFileSync(inputFile, JSON.stringify(options.input));
  const preload = options.fakeDns ? [`--import=${pathToFileURL(join(build, 'dist/bench/fake-dns.js')).href}`] : [];
  const started = performance.now();
  const child = spawn(process.execPath, [...preload, join(build, `dist/bench/${options.name}.js`)], {
    cwd: build,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, [INPUT_VARIABLE]: inputFile, [OUTPUT_VARIABLE]: outputFile },
  });
  const sampler = sampleTreeMemory(child.pid!);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-4000)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const processSeconds = (performance.now() - started) / 1000;
  const memory = sampler.stop();
  if (code !== 0) throw new Error(`${options.name} exited with ${code}: ${output}`);
  return { output: JSON.parse(readFileSync(outputFile, 'utf8')) as T, processSeconds, memory };
}

/** In a child script: the input its parent gave runNodeChild. */
export function childInput<T>(): T {
  const file = process.env[INPUT_VARIABLE];
  if (!file) throw new Error(`${INPUT_VARIABLE} is not set: run this script through runNodeChild`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** In a child script: its output, for runNodeChild to read. */
export function childOutput(output: unknown): void {
  const file = process.env[OUTPUT_VARIABLE];
  if (!file) throw new Error(`${OUTPUT_VARIABLE} is not set: run this script through runNodeChild`);
  writeFileSync(file, JSON.stringify(output));
}
