import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { buildApp } from './app.js';

/** Builds the API and listens on the configured host and port. */
export async function startServer(runtime: Runtime): Promise<FastifyInstance> {
  const app = await buildApp(runtime);
  await app.listen({ host: runtime.config.host, port: runtime.config.port });
  return app;
}
