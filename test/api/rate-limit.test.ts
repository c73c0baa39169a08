import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { assertContract } from '../support/contract.js';

const env = await startEnvironment({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
t.teardown(() => env.close());

t.test('each account has its own request budget per minute, then 429 with Retry-After', async (t) => {
  const limited = await env.newApiKey('busy');
  const other = await env.newApiKey('calm');
  // Stay inside one minute window (the limit is counted per calendar minute), with room for a busy machine.
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await sleep(60_000 - intoMinute + 50);
  const call = (key: string) => env.app.inject({ method: 'GET', url: '/v1/crawls', headers: { authorization: `Bearer ${key}` } });
  for (let i = 0; i < 5; i++) {
    const ok = await call(limited.key);
    t.equal(ok.statusCode, 200);
    t.equal(ok.headers['ratelimit-remaining'], String(4 - i));
  }
  const refused = await call(limited.key);
  assertContract(t, 'listCrawls', refused, 429);
  t.equal(refused.json().code, 'rate_limited');
  const retryAfter = Number(refused.headers['retry-after']);
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter} s`);
  t.equal((await call(other.key)).statusCode, 200, 'another account is not affected');
});

