// A worker process for tests that scale out: the production worker start-up (startWorkers over a
// runtime from the environment's config), with the fake web's host names given in FAKE_HOSTS.
import { pino } from 'pino';
import { loadConfig } from '../../services/config.js';
import { createRuntime } from '../../services/runtime.js';
import { startWorkers } from '../../workers/index.js';
import { resolverFor } from './fake-web.js';

const hosts = JSON.parse(process.env.FAKE_HOSTS ?? '{}') as Record<string, string>;
const config = loadConfig();
const runtime = await createRuntime(config, { logger: pino({ level: config.logLevel }), resolver: resolverFor(() => hosts) });
const workers = startWorkers(runtime);
await Promise.all(workers.workers.map((worker) => worker.waitUntilReady()));
process.send?.('ready');

process.on('SIGTERM', async () => {
  await workers.close();
  await runtime.close();
  process.exit(0);
});
