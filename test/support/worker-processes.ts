import { fork, type ChildProcess } from 'node:child_process';
import type { Config } from '../../services/config.js';
import { compiledModule } from './compiled.js';

/**
 * Starts a worker process (test/support/worker-process.ts: the production worker start-up) on the
 * environment's PostgreSQL, Redis and queue prefix, seeing the fake web's hosts. Resolves once its
 * workers are connected.
 */
export function startWorkerProcess(config: Config, hosts: Record<string, string>, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = fork(compiledModule('test/support/worker-process.ts'), {
    // Plain node: none of the test runner's flags.
    execArgv: [],
    env: {
      ...process.env,
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      QUEUE_PREFIX: config.queuePrefix,
      SSRF_ALLOWLIST: '127.0.0.0/8',
      RETRY_BASE_DELAY_MS: '50',
      // A refused connection is dead after 0.4 s of refusals here, not the default 90 s.
      REFUSED_WINDOW_MS: '400',
      HOST_INTERVAL_MS: '0',
      RESPONSE_TIMEOUT_MS: '1500',
      REQUEST_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'silent',
      // A reserved name that never resolves: no test reaches the public RDAP bootstrap by accident.
      RDAP_URL: 'http://rdap.invalid',
      FAKE_HOSTS: JSON.stringify(hosts),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
  });
}

/** Stops worker processes the way an orchestrator does (SIGTERM) and waits for them to exit. */
export function stopWorkerProcesses(children: ChildProcess[]): Promise<unknown> {
  return Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))));
}
