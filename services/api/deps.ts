import type { Runtime } from '../runtime.js';
import type { OpenApi } from '../web/openapi.js';

/** What the public API's route plugins are given. */
export interface RouteDeps {
  runtime: Runtime;
  openapi: OpenApi;
}
