import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { Runtime } from '../runtime.js';
import type { OpenApi } from '../web/openapi.js';
import { adminApiRoutes } from './api-routes.js';
import { adminUiRoutes } from './ui-routes.js';
import { boardRoutes } from './board.js';
import { createAdminOperations } from './operations.js';
import { createAdminSessions } from './session.js';

/** The ops admin: its JSON API (/admin/api), its pages (/admin) and the queue board (/admin/queues). */
export async function adminPlugin(app: FastifyInstance, { runtime, openapi }: { runtime: Runtime; openapi: OpenApi }): Promise<void> {
  // Registered here, inside the admin's own context, so only admin routes parse cookies and /v1
  // never sees one; before the routes, whose onRequest session checks read what it parsed.
  await app.register(cookie);
  const admin = { operations: createAdminOperations(runtime), sessions: createAdminSessions(runtime.config.adminToken, { redis: runtime.redis, keyPrefix: runtime.config.queuePrefix }) };
  await app.register(adminApiRoutes, { ...admin, openapi });
  await app.register(adminUiRoutes, { ...admin, redis: runtime.redis, keyPrefix: runtime.config.queuePrefix });
  await app.register(boardRoutes, { ...admin, queues: runtime.queues });
}
