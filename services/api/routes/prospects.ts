import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.js';
import { notFound } from '../../errors.js';
import { findCrawl } from '../../store/crawls.js';
import { listProspects } from '../../store/prospects.js';
import { decodeCursor, encodeCursor } from '../cursor.js';

const isProspectCursor = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export async function prospectRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  const { db } = runtime;

  app.get<{ Querystring: { crawlId?: string; limit?: number; cursor?: string } }>(
    '/v1/prospects',
    { schema: openapi.requestSchema('listProspects') },
    async (request) => {
      const { crawlId, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      if (crawlId && !(await findCrawl(db, request.accountId, crawlId))) throw notFound('crawl');
      const afterId = cursor ? decodeCursor(cursor, isProspectCursor) : 0;
      const rows = await listProspects(db, request.accountId, { crawlId, afterId, limit: limit + 1 });
      const items = rows.slice(0, limit);
      return {
        items,
        nextCursor: rows.length > limit ? encodeCursor(Number(items[items.length - 1]!.id)) : null,
      };
    },
  );
}
