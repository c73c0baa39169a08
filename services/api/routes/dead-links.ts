import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../deps.js';
import { listDeadDomains, listDeadLinks } from '../../store/dead-links.js';
import { decodeCursor, encodeCursor } from '../../web/cursor.js';
import { checkFilterOwner, filterOf } from '../prospect-params.js';
import type { Route } from '../../web/contract.js';

type Cursor = { score: number; deadUrl: string };
const isCursor = (value: unknown): value is Cursor =>
  Number.isInteger((value as Cursor)?.score) && typeof (value as Cursor)?.deadUrl === 'string';
type DomainCursor = { score: number; deadDomain: string };
const isDomainCursor = (value: unknown): value is DomainCursor =>
  Number.isInteger((value as DomainCursor)?.score) && typeof (value as DomainCursor)?.deadDomain === 'string';

export async function deadLinkRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  app.get<Route<'listDeadLinks'>>(
    '/v1/dead-links',
    { schema: openapi.requestSchema('listDeadLinks') },
    async (request) => {
      const { cursor, limit = 50, groupBy = 'url' } = request.query;
      const filter = filterOf(request.query);
      await checkFilterOwner(runtime.db, request.accountId, filter);
      if (groupBy === 'domain') {
        const after = cursor ? decodeCursor(cursor, isDomainCursor) : undefined;
        const rows = await listDeadDomains(runtime.db, request.accountId, { filter, after, limit: limit + 1 });
        const items = rows.slice(0, limit);
        const last = rows.length > limit ? items[items.length - 1]! : null;
        return { items, nextCursor: last ? encodeCursor({ score: last.score, deadDomain: last.deadDomain }) : null };
      }
      const after = cursor ? decodeCursor(cursor, isCursor) : undefined;
      const rows = await listDeadLinks(runtime.db, request.accountId, { filter, after, limit: limit + 1 });
      const items = rows.slice(0, limit);
      const last = rows.length > limit ? items[items.length - 1]! : null;
      return { items, nextCursor: last ? encodeCursor({ score: last.score, deadUrl: last.deadUrl }) : null };
    },
  );
}
