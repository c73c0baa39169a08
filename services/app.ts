import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Runtime } from '../runtime.js';
import { adminApiRoutes } from '../admin/api-routes.js';
import { adminUiRoutes } from '../admin/ui-routes.js';
import { boardRoutes } from '../admin/board.js';
import { createAdminOperations } from '../admin/operations.js';
import { createAdminSessions } from '../admin/session.js';
import { requireApiKey } from './auth.js';
import { accountRateLimit } from './rate-limit.js';
import { installErrorHandler } from './error-handler.js';
import { createAjv, loadOpenApi, type OpenApi } from './openapi.js';
import { crawlRoutes } from './routes/crawls.js';
import { prospectRoutes } from './routes/prospects.js';
import { deadLinkRoutes } from './routes/dead-links.js';
import { webhookRoutes } from './routes/webhooks.js';
import { serviceRoutes } from './routes/health.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every `METHOD /url` registered, in Fastify's form (`/v1/crawls/:id`). */
    routes: string[];
  }
}

export interface RouteDeps {
  runtime: Runtime;
  openapi: OpenApi;
}

/**
 * Builds the HTTP API (it never listens: server.ts does, tests use inject). Requests are validated
 * against openapi.yaml: bodies strictly (a wrong type or an unknown field is a 400), query strings and
 * path parameters with type coercion because they arrive as text.
 */
export async function buildApp(runtime: Runtime, openapi: OpenApi = loadOpenApi()): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    ...(runtime.config.trustedProxies.length > 0 ? { trustProxy: runtime.config.trustedProxies } : {}),
  });
  const bodyAjv = createAjv({ coerceTypes: false });
  const textAjv = createAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));
  installErrorHandler(app);
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
  });
  app.decorate('routes', routes);
  app.addHook('onResponse', async (request, reply) => {
    runtime.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(swagger, { mode: 'static', specification: { document: openapi.document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const deps: RouteDeps = { runtime, openapi };
  await app.register(serviceRoutes, deps);
  const admin = { operations: createAdminOperations(runtime), sessions: createAdminSessions(runtime.config.adminToken) };
  await app.register(adminApiRoutes, { ...admin, openapi });
  await app.register(adminUiRoutes, { ...admin, redis: runtime.redis, keyPrefix: runtime.config.queuePrefix });
  await app.register(boardRoutes, { ...admin, queues: runtime.queues });
  await app.register(async (v1) => {
    // onRequest: the key is checked before the body is read or validated.
    v1.addHook('onRequest', requireApiKey(runtime.db));
    v1.addHook('onRequest', accountRateLimit(runtime.redis, runtime.config.queuePrefix, runtime.config.rateLimitPerMinute, runtime.logger));
    await crawlRoutes(v1, deps);
    await prospectRoutes(v1, deps);
    await deadLinkRoutes(v1, deps);
    await webhookRoutes(v1, deps);
  });
  return app;
}
