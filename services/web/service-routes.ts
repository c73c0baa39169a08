import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { OpenApi } from './openapi.js';
import { readiness } from '../readiness.js';

/** What every process serving HTTP answers besides the API: health, readiness, metrics, the contract. */
export async function serviceRoutes(app: FastifyInstance, { runtime, openapi }: { runtime: Runtime; openapi: OpenApi }) {
  app.get('/healthz', async (_request, reply) => {
    const { postgres, redis } = await readiness(runtime);
    const ok = postgres === 'ok' && redis === 'ok';
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', postgres, redis });
  });

  app.get('/readyz', { schema: openapi.requestSchema('getReadiness') }, async (_request, reply) => {
    const state = await readiness(runtime);
    return reply.status(state.ready ? 200 : 503).send({ status: state.ready ? 'ready' : 'unready', ...state });
  });

  app.get('/metrics', { schema: openapi.requestSchema('getMetrics') }, async (_request, reply) =>
    reply.type(runtime.metrics.registry.contentType).send(await runtime.metrics.registry.metrics()),
  );

  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml').send(openapi.text));
}
