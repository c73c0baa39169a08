import t from 'tap';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { compiledModule } from './compiled.js';
import { startEnvironment } from './environment.js';
import { startNiche } from './niche.js';

const CLI = compiledModule('services/cli/main.ts');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Sees stderr as it grows, with the process (to interrupt it). */
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
  /** Close the reading end of stdout at once, as `| head -1` does once it has its line. */
  closeStdout?: boolean;
}

/** Runs a command as its own process; resolves with what it printed and its exit code. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<Run> {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  if (options.closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    options.onStderr?.(stderr, child);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The service listening on a real port (with workers, over the fake niche) and a `blb` that runs as a
 * person would run it, in its own process, with BLB_URL and an API key set (`cliEnv`); closed at the
 * test's end.
 */
export async function startCliService() {
  const niche = await startNiche();
  const env = await startEnvironment({ resolver: niche.web.resolver, workers: true });
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  const serviceUrl = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
  t.teardown(async () => {
    await env.close();
    await niche.web.close();
  });
  const { key } = await env.newApiKey('terminal');
  const cliEnv = { BLB_URL: serviceUrl, BLB_API_KEY: key, BLB_POLL_MS: '200' };

  /** Runs `blb args`; resolves with what it printed and its exit code. `onStderr` sees stderr as it grows. */
  function blb(args: string[], extraEnv: Record<string, string> = {}, onStderr?: RunOptions['onStderr'], options: RunOptions = {}): Promise<Run> {
    return runProcess(process.execPath, [CLI, ...args], { ...options, env: { ...cliEnv, ...extraEnv }, onStderr });
  }
  return { niche, env, serviceUrl, key, cliEnv, blb };
}
