import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { triple } from './niche.js';

/** The outreach tool's side of the API, through inject, for one API key. */
export function apiClient(app: FastifyInstance, key: string) {
  const headers = { authorization: `Bearer ${key}` };

  async function getCrawl(id: string) {
    return (await app.inject({ method: 'GET', url: `/v1/crawls/${id}`, headers })).json();
  }

  async function createCrawl(payload: object): Promise<string> {
    const created = await app.inject({ method: 'POST', url: '/v1/crawls', headers, payload });
    if (created.statusCode !== 201) throw new Error(`crawl not created: ${created.body}`);
    return created.json().id;
  }

  return {
    headers,
    getCrawl,
    /** Starts a crawl; returns its id. */
    createCrawl,
    /** Starts a crawl and polls it until it is neither queued nor running. */
    async crawlToEnd(payload: object, timeoutMs = 120_000) {
      const id = await createCrawl(payload);
      for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(100)) {
        const crawl = await getCrawl(id);
        if (!['queued', 'running'].includes(crawl.status)) return crawl;
      }
      throw new Error(`crawl ${id} did not finish in ${timeoutMs} ms`);
    },
    /** Every prospect of a crawl (that passes `filters`, query parameters), following nextCursor page by page. */
    async allProspects(crawlId: string, limit = 100, filters: Record<string, string> = {}) {
      const items = [];
      let cursor: string | null = null;
      const filter = new URLSearchParams(filters).toString();
      do {
        const url: string = `/v1/prospects?crawlId=${crawlId}&limit=${limit}${filter ? `&${filter}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await app.inject({ method: 'GET', url, headers })).json();
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
  };
}

/** Prospects as sorted "source -> dead [reason]" lines, the form the niche's expectations take. */
export const triples = (prospects: { sourceUrl: string; deadUrl: string; reason: string }[]) =>
  prospects.map((p) => triple(p.sourceUrl, p.deadUrl, p.reason)).sort();
