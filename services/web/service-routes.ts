import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { OpenApi } from './openapi.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { readiness } from '../readiness.js';
import { unauthorized } from '../errors.js';

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

  // Open by default (like /healthz: a scraper inside the network); METRICS_TOKEN closes it to anyone without it.
  const { metricsToken } = runtime.config;
  const expected = metricsToken === undefined ? null : createHash('sha256').update(metricsToken).digest();
  app.get('/metrics', { schema: openapi.requestSchema('getMetrics') }, async (request, reply) => {
    if (expected) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
        throw unauthorized('the metrics need Authorization: Bearer <METRICS_TOKEN>');
      }
    }
    return reply.type(runtime.metrics.registry.contentType).send(await runtime.metrics.registry.metrics());
  });

  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml').send(openapi.text));
}
