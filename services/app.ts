import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Runtime } from './runtime.js';
import { apiPlugin } from './api/plugin.js';
import { adminPlugin } from './admin/plugin.js';
import { installErrorHandler } from './web/error-handler.js';
import { createAjv, loadOpenApi, type OpenApi } from './web/openapi.js';
import { serviceRoutes } from './web/service-routes.js';
import { guardedValidator } from './web/input-guard.js';
import { useCursorSecret } from './web/cursor.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every `METHOD /url` registered, in Fastify's form (`/v1/crawls/:id`). */
    routes: string[];
  }
}

/**
 * Builds the HTTP side of the service (it never listens: startServer does, tests use inject): the
 * service routes (health, metrics, the contract), the public API and the ops admin, two sibling plugins
 * that share only services/web. Requests are validated against openapi.yaml: bodies strictly (a wrong
 * type or an unknown field is a 400), query strings and path parameters with type coercion because they
 * arrive as text; neither lets through text PostgreSQL cannot store or a number that is not finite
 * (services/web/input-guard.ts).
 */
export async function buildApp(runtime: Runtime, openapi: OpenApi = loadOpenApi()): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    ...(runtime.config.trustedProxies.length > 0 ? { trustProxy: runtime.config.trustedProxies } : {}),
  });
  const bodyAjv = createAjv({ coerceTypes: false });
  const textAjv = createAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => guardedValidator(httpPart === 'body' ? bodyAjv : textAjv, schema));
  installErrorHandler(app);
  // Every list's cursors (the client API's and the admin's) are signed with the deployment's key.
  useCursorSecret(runtime.config.cursorSecret);
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

  await app.register(serviceRoutes, { runtime, openapi });
  await app.register(adminPlugin, { runtime, openapi });
  await app.register(apiPlugin, { runtime, openapi });
  return app;
}

/** Builds the HTTP side and listens on the configured host and port. */
export async function startServer(runtime: Runtime): Promise<FastifyInstance> {
  const app = await buildApp(runtime);
  await app.listen({ host: runtime.config.host, port: runtime.config.port });
  return app;
}
