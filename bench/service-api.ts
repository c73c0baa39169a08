// The bench's side of the service's REST API (openapi.yaml), over real HTTP: the service runs in a
// process of its own, as `npm start` runs it, so the test suite's inject client does not apply.
import type { components } from '../services/web/contract-types.js';

/** The contract's shapes (generated from openapi.yaml), as the bench reads them. */
export type CrawlStats = components['schemas']['CrawlStats'];
export type Crawl = components['schemas']['Crawl'];
export type Prospect = Pick<components['schemas']['Prospect'], 'sourceUrl' | 'deadUrl' | 'reason'>;

async function call<T>(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: object): Promise<T> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** A new account and its first API key, through the admin JSON API (ADMIN_TOKEN as a bearer token). */
export async function issueApiKey(baseUrl: string, adminToken: string, name: string): Promise<string> {
  const headers = { authorization: `Bearer ${adminToken}`, 'x-admin-actor': 'bench' };
  const account = await call<{ id: string }>(baseUrl, 'POST', '/admin/api/accounts', headers, { name });
  const key = await call<{ key: string }>(baseUrl, 'POST', '/admin/api/api-keys', headers, { name, accountId: account.id });
  return key.key;
}

/** The /v1 routes the bench uses, for one API key. */
export function serviceApi(baseUrl: string, key: string) {
  const headers = { authorization: `Bearer ${key}` };
  return {
    baseUrl,
    key,
    createCrawl: (body: object) => call<Crawl>(baseUrl, 'POST', '/v1/crawls', headers, body),
    getCrawl: (id: string) => call<Crawl>(baseUrl, 'GET', `/v1/crawls/${id}`, headers),
    cancelCrawl: (id: string) => call<Crawl>(baseUrl, 'POST', `/v1/crawls/${id}/cancel`, headers),
    /** Every prospect of a crawl, 500 a page (the most the API allows), following nextCursor. */
    async allProspects(crawlId: string): Promise<Prospect[]> {
      const items: Prospect[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ crawlId, limit: '500', ...(cursor ? { cursor } : {}) });
        const page: { items: Prospect[]; nextCursor: string | null } = await call(baseUrl, 'GET', `/v1/prospects?${query}`, headers);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
  };
}

export type ServiceApi = ReturnType<typeof serviceApi>;

/** A crawl is over once it is neither queued nor running. */
export const isOver = (crawl: Crawl) => crawl.status !== 'queued' && crawl.status !== 'running';
