import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';

const PROBE_TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS))),
    ]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export async function serviceRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  app.get('/healthz', async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      probe(() => runtime.db.query('SELECT 1')),
      probe(() => runtime.redis.ping()),
    ]);
    const ok = postgres === 'ok' && redis === 'ok';
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', postgres, redis });
  });

  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml').send(openapi.text));
}
