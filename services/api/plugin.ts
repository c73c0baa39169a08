import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.js';
import { requireApiKey } from './auth.js';
import { accountRateLimit } from './rate-limit.js';
import { crawlRoutes } from './routes/crawls.js';
import { prospectRoutes } from './routes/prospects.js';
import { deadLinkRoutes } from './routes/dead-links.js';
import { webhookRoutes } from './routes/webhooks.js';
import { watchRoutes } from './routes/watches.js';

/** The public API, /v1: every route behind an account's API key and its rate limit. */
export async function apiPlugin(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { runtime } = deps;
  // onRequest: the key is checked before the body is read or validated.
  app.addHook('onRequest', requireApiKey(runtime.db));
  app.addHook('onRequest', accountRateLimit(runtime.redis, runtime.config.queuePrefix, runtime.config.rateLimitPerMinute, runtime.logger));
  await crawlRoutes(app, deps);
  await prospectRoutes(app, deps);
  await deadLinkRoutes(app, deps);
  await watchRoutes(app, deps);
  await webhookRoutes(app, deps);
}
