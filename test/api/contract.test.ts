import t from 'tap';
import { createAjv, loadOpenApi } from '../../services/web/openapi.js';
import { startEnvironment } from '../support/environment.js';

const env = await startEnvironment();
t.teardown(() => env.close());

// Routes that are pages for people rather than the API: the documentation itself, and the ops admin's
// pages and queue board (whose data and actions the API has under /admin/api).
const isDocumentationUi = (route: string) =>
  / \/docs(\/|$)/.test(route) || (/ \/admin(\/|$)/.test(route) && !/ \/admin\/api\//.test(route));

t.test('every route is in openapi.yaml and every operation in openapi.yaml is a route', async (t) => {
  const served = new Set(
    env.app.routes
      .filter((route) => !route.startsWith('HEAD ') && !isDocumentationUi(route))
      .map((route) => route.replace(/:(\w+)/g, '{$1}')),
  );
  const documented = new Set(loadOpenApi().operations());
  t.same([...served].filter((route) => !documented.has(route)), [], 'routes missing from openapi.yaml');
  t.same([...documented].filter((route) => !served.has(route)), [], 'operations with no route');
  t.ok(served.size >= 8, 'the comparison saw the routes');
});

t.test('every schema in openapi.yaml compiles under strict JSON Schema rules', async (t) => {
  // A YAML slip (an unquoted comma in a flow mapping) turns words into keywords: strict mode says so.
  const ajv = createAjv();
  for (const [name, schema] of Object.entries(loadOpenApi().document.components.schemas)) {
    t.doesNotThrow(() => ajv.compile(schema as object), name);
  }
});

t.test('the contract is served as YAML and as browsable docs', async (t) => {
  const yaml = await env.app.inject({ method: 'GET', url: '/openapi.yaml' });
  t.equal(yaml.statusCode, 200);
  t.match(yaml.headers['content-type'], /yaml/);
  t.match(yaml.body, /^openapi: 3\.1\.0/);
  const docs = await env.app.inject({ method: 'GET', url: '/docs' });
  t.equal(docs.statusCode, 200);
  t.match(docs.body, /swagger-ui/i);
});

t.test('unknown routes answer the one error shape', async (t) => {
  const response = await env.app.inject({ method: 'GET', url: '/v2/nothing' });
  t.equal(response.statusCode, 404);
  t.same(Object.keys(response.json()).sort(), ['code', 'message']);
});

t.test('healthz reports PostgreSQL and Redis', async (t) => {
  const response = await env.app.inject({ method: 'GET', url: '/healthz' });
  t.equal(response.statusCode, 200);
  t.same(response.json(), { status: 'ok', postgres: 'ok', redis: 'ok' });
});
