import type { FetchResult, HttpClient } from '../http/client.js';
import type { FetchErrorCode } from '../http/errors.js';
import type { Pace } from '../politeness/host-limiter.js';
import { attemptOf, type Attempt } from './verdict.js';

// Paths that name a file rather than a page: HEAD is cheap and enough, the body is never needed.
const FILE_EXTENSION = /\.(?:pdf|docx?|xlsx?|pptx?|odt|csv|zip|gz|tgz|bz2|xz|7z|rar|tar|dmg|exe|msi|apk|iso|jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|mp[34]|m4a|m4v|mov|avi|mkv|webm|wav|ogg|flac|woff2?|ttf|otf|eot|json|xml|rss|atom|txt|js|css)$/i;
const isSuccess = (result: FetchResult) => result.ok && result.status >= 200 && result.status < 300;
// Exchanges that fail in ways a server's HEAD handler alone may fail (a redirect loop or a broken
// response for HEAD only). Failing to reach the server at all (DNS, refused, reset, timeout, TLS) is
// the same for GET, so GET is not asked.
const HEAD_SPECIFIC_FAILURES = new Set<FetchErrorCode>(['too_many_redirects', 'invalid_redirect', 'headers_too_large', 'protocol']);
/**
 * HEAD's result stands for the attempt: a success, a failure to reach the server, or an answer the
 * verdict logic retries later (429, 5xx but 501 "not implemented"): a GET right after "slow down"
 * would be impolite, and would download the file.
 */
const headStands = (head: FetchResult) =>
  head.ok
    ? isSuccess(head) || head.status === 429 || (head.status >= 500 && head.status !== 501)
    : !HEAD_SPECIFIC_FAILURES.has(head.error);
const isHtml = (contentType: string) => contentType.includes('html');
const HTML_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1';

export interface CheckAttempt {
  /** The result the verdict is decided on. */
  result: FetchResult;
  requests: Attempt[];
}

/**
 * One attempt at a URL's verdict. A URL that names a file gets HEAD first, since HEAD is cheap there
 * and its body is never needed; a definite HTTP answer other than success (405/501, 403, a HEAD-only
 * 404) is confirmed with GET. Transient trouble (a timeout under load, 429, 503) is the attempt's
 * result, retried later by the verdict logic with HEAD again, where a GET now would download the
 * file. Pages get GET straight away, reading a capped slice of an HTML body so that soft 404s and bot
 * challenges can be recognized. `pace` is awaited before every request (host politeness).
 */
export async function attemptCheck(
  http: HttpClient,
  url: string,
  options: { maxBodyBytes: number; pace: Pace },
): Promise<CheckAttempt> {
  const requests: Attempt[] = [];
  const run = async (method: 'HEAD' | 'GET') => {
    const onSent = await options.pace();
    const at = new Date();
    const result = await http.fetch({ url, method, readBody: isHtml, maxBytes: options.maxBodyBytes, onSent });
    requests.push(attemptOf(method, result, at));
    return result;
  };

  if (FILE_EXTENSION.test(new URL(url).pathname)) {
    const head = await run('HEAD');
    if (headStands(head)) return { result: head, requests };
  }
  return { result: await run('GET'), requests };
}

/** One attempt at a page to read: a GET whose HTML body is read up to the client's cap. */
export async function attemptPage(http: HttpClient, url: string, pace: Pace): Promise<CheckAttempt> {
  const onSent = await pace();
  const at = new Date();
  const result = await http.fetch({ url, readBody: isHtml, accept: HTML_ACCEPT, onSent });
  return { result, requests: [attemptOf('GET', result, at)] };
}
