import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { startEnvironment } from './environment.js';
import { startNiche } from './niche.js';

const CLI = fileURLToPath(new URL('../../services/cli/main.ts', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The service listening on a real port (with workers, over the fake niche) and a `blb` that runs as a
 * person would run it, in its own process, with BLB_URL and an API key set; closed at the test's end.
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

  /** Runs `blb args`; resolves with what it printed and its exit code. `onStderr` sees stderr as it grows. */
  function blb(args: string[], extraEnv: Record<string, string> = {}, onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
    const child = spawn(process.execPath, [...process.execArgv, CLI, ...args], {
      env: { ...process.env, BLB_URL: serviceUrl, BLB_API_KEY: key, BLB_POLL_MS: '200', ...extraEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      onStderr?.(stderr, child);
    });
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }
  return { niche, env, serviceUrl, key, blb };
}
