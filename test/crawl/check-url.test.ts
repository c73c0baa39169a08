import t from 'tap';
import type { FetchRequest, FetchResult, HttpClient } from '../../services/http/client.js';
import type { FetchErrorCode } from '../../services/http/errors.js';
import { attemptCheck } from '../../services/crawl/check-url.js';

const URL_OF_FILE = 'http://files.test/report.pdf';
const answer = (status: number): FetchResult => ({
  ok: true, url: URL_OF_FILE, finalUrl: URL_OF_FILE, status, headers: {}, contentType: 'application/pdf',
  body: null, truncated: false, redirects: [], elapsedMs: 5,
});
const failure = (error: FetchErrorCode): FetchResult => ({
  ok: false, url: URL_OF_FILE, failedUrl: URL_OF_FILE, error, message: error, redirects: [], elapsedMs: 1_500,
});

/** An HTTP client that answers HEAD and GET as told, and remembers which methods were asked. */
function serverAnswering(head: FetchResult, get: FetchResult = answer(200)) {
  const methods: string[] = [];
  const http: HttpClient = {
    async fetch(request: FetchRequest) {
      methods.push(request.method ?? 'GET');
      return request.method === 'HEAD' ? head : get;
    },
    close() {},
  };
  return { http, methods };
}
const check = (http: HttpClient, url = URL_OF_FILE) => attemptCheck(http, url, { maxBodyBytes: 1024, pace: async () => () => {} });

t.test('a file that answers HEAD with success is never fetched with GET', async (t) => {
  const { http, methods } = serverAnswering(answer(200));
  t.match(await check(http), { result: { ok: true, status: 200 }, requests: [{ method: 'HEAD', status: 200 }] });
  t.same(methods, ['HEAD']);
});

t.test('HEAD that cannot reach the server is the attempt: a retry asks HEAD again, never GET', async (t) => {
  for (const error of ['timeout', 'connection_reset', 'connection_refused', 'dns_temporary', 'dns_failure', 'tls'] as const) {
    const { http, methods } = serverAnswering(failure(error));
    t.match(await check(http), { result: { ok: false, error }, requests: [{ method: 'HEAD', error }] }, error);
    t.same(methods, ['HEAD'], `${error}: the file is not downloaded`);
  }
});

t.test('"slow down" and server trouble answered to HEAD are retried later, not answered with GET now', async (t) => {
  for (const status of [429, 500, 503]) {
    const { http, methods } = serverAnswering(answer(status));
    t.match(await check(http), { result: { status }, requests: [{ method: 'HEAD', status }] }, `HEAD ${status}`);
    t.same(methods, ['HEAD']);
  }
});

t.test('an HTTP answer to HEAD other than success is confirmed with GET', async (t) => {
  for (const status of [404, 405, 501, 403, 401, 410]) {
    const { http, methods } = serverAnswering(answer(status));
    t.match(await check(http), { result: { status: 200 }, requests: [{ method: 'HEAD', status }, { method: 'GET', status: 200 }] }, `HEAD ${status}`);
    t.same(methods, ['HEAD', 'GET']);
  }
  const { http } = serverAnswering(answer(404), answer(404));
  t.match(await check(http), { result: { status: 404 } }, 'a file gone for GET too is judged by GET');
});

t.test('a broken answer to HEAD alone is confirmed with GET', async (t) => {
  const { http, methods } = serverAnswering(failure('too_many_redirects'));
  t.match(await check(http), { result: { ok: true, status: 200 } });
  t.same(methods, ['HEAD', 'GET']);
});

t.test('a page is fetched with GET straight away', async (t) => {
  const { http, methods } = serverAnswering(answer(200));
  await check(http, 'http://files.test/guide');
  t.same(methods, ['GET']);
});
