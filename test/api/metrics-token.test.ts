import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { assertContract } from '../support/contract.js';
import { loadConfig } from '../../services/config.js';

// METRICS_TOKEN closes /metrics to anyone without it; the health routes stay open.
const METRICS_TOKEN = 'scrape-token-0123456789';
const env = await startEnvironment({ env: { METRICS_TOKEN } });
t.teardown(() => env.close());

t.test('/metrics takes METRICS_TOKEN as a bearer token when it is set', async (t) => {
  const get = (authorization?: string) => env.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
  t.equal(assertContract(t, 'getMetrics', await get(), 401).code, 'unauthorized');
  t.equal(assertContract(t, 'getMetrics', await get('Bearer not-the-token'), 401).code, 'unauthorized');
  const scraped = await get(`Bearer ${METRICS_TOKEN}`);
  t.equal(scraped.statusCode, 200);
  t.match(scraped.body, /blb_pages_total/);
  t.equal((await env.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'health stays open');
  t.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN must be at least 16 characters/);
});
