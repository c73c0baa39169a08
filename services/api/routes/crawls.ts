import type { FastifyInstance } from 'fastify';
import { isUuid } from '../../ids.js';
import type { RouteDeps } from '../deps.js';
import { createHash } from 'node:crypto';
import { badRequest, crawlFinished, notFound, AppError } from '../../errors.js';
import { claimIdempotencyKey, findIdempotentCrawl } from '../../store/idempotency.js';
import { crawlSettings, LIVE_CRAWL_STATUSES, type CrawlRequest } from '../../crawl/settings.js';
import { withTransaction } from '../../store/db.js';
import { cancelCrawl, failCrawlAtStart, insertCrawl, listCrawls, type Crawl } from '../../store/crawls.js';
import { planPages } from '../../store/frontier.js';
import type { PlannedPage } from '../../store/pages.js';
import { decodeCursor, encodeCursor, isCreatedCursor } from '../../web/cursor.js';
import { validateSeeds } from '../seeds.js';
import type { Route } from '../../web/contract.js';
import { createCrawlReader } from '../crawl-reader.js';

class KeyTaken extends Error {}

/** The Idempotency-Key header (1 to 255 printable characters) and a hash of the validated body. */
function idempotencyOf(header: string | string[] | undefined, body: unknown): { key: string; hash: string } | null {
  if (header === undefined) return null;
  const key = Array.isArray(header) ? header[0]! : header;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
  return { key, hash: createHash('sha256').update(JSON.stringify(body)).digest('hex') };
}



/** The public form of a crawl: everything but the owning account. */
export function presentCrawl({ accountId: _accountId, cursorKey: _cursorKey, ...crawl }: Crawl) {
  return crawl;
}

export async function crawlRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  const { db, guard, queues } = runtime;

  const readCrawl = createCrawlReader(db);
  const crawlOf = async (accountId: string, id: string): Promise<Crawl> => {
    const crawl = isUuid(id) ? await readCrawl(accountId, id) : null;
    if (!crawl) throw notFound('crawl');
    return crawl;
  };

  // The domain's CrawlRequest, not the contract's body: services/web/contract.ts checks they agree.
  app.post<{ Body: CrawlRequest }>('/v1/crawls', { schema: openapi.requestSchema('createCrawl') }, async (request, reply) => {
    const body = request.body;
    const seeds = await validateSeeds(body.seeds, guard);
    const settings = crawlSettings(body, seeds);
    const idempotency = idempotencyOf(request.headers['idempotency-key'], body);
    const replay = async () => {
      const earlier = await findIdempotentCrawl(db, request.accountId, idempotency!.key);
      if (!earlier) throw new AppError(409, 'idempotency_conflict', 'a request with this Idempotency-Key failed; retry');
      if (earlier.requestHash !== idempotency!.hash) {
        throw new AppError(422, 'idempotency_key_reused', `Idempotency-Key '${idempotency!.key}' was used with a different request body`);
      }
      return reply.status(201).header('idempotent-replayed', 'true').send(presentCrawl(await crawlOf(request.accountId, earlier.crawlId)));
    };
    if (idempotency && (await findIdempotentCrawl(db, request.accountId, idempotency.key))) return replay();

    let created: { crawlId: string; pages: PlannedPage[] };
    try {
      created = await withTransaction(db, async (tx) => {
        const id = await insertCrawl(tx, request.accountId, settings);
        // Concurrent requests with the same key wait here until the first one commits, then replay it.
        if (idempotency && !(await claimIdempotencyKey(tx, { accountId: request.accountId, ...idempotency, requestHash: idempotency.hash, crawlId: id }))) {
          throw new KeyTaken();
        }
        return { crawlId: id, pages: await planPages(tx, id, seeds.map((url) => ({ url, depth: 0 }))) };
      });
    } catch (error) {
      if (error instanceof KeyTaken) return replay();
      throw error;
    }
    const { crawlId, pages } = created;
    try {
      await queues.enqueuePages(pages);
    } catch (error) {
      request.log.error({ err: error, crawlId }, 'could not enqueue seeds');
      await failCrawlAtStart(db, crawlId, 'the job queue was unreachable');
      throw new AppError(503, 'service_unavailable', 'the job queue is unreachable; nothing was started, retry later');
    }
    return reply.status(201).send(presentCrawl(await crawlOf(request.accountId, crawlId)));
  });

  app.get<Route<'listCrawls'>>(
    '/v1/crawls',
    { schema: openapi.requestSchema('listCrawls') },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const before = request.query.cursor ? decodeCursor(request.query.cursor, isCreatedCursor) : undefined;
      const rows = await listCrawls(db, { accountId: request.accountId }, { limit: limit + 1, before });
      const items = rows.slice(0, limit);
      const last = rows.length > limit ? items[items.length - 1]! : null;
      return {
        items: items.map(presentCrawl),
        nextCursor: last ? encodeCursor({ createdAt: last.cursorKey, id: last.id }) : null,
      };
    },
  );

  app.get<Route<'getCrawl'>>('/v1/crawls/:id', { schema: openapi.requestSchema('getCrawl') }, async (request) =>
    presentCrawl(await crawlOf(request.accountId, request.params.id)),
  );

  app.post<Route<'cancelCrawl'>>(
    '/v1/crawls/:id/cancel',
    { schema: openapi.requestSchema('cancelCrawl') },
    async (request) => {
      const { id } = request.params;
      const before = await crawlOf(request.accountId, id);
      if (!LIVE_CRAWL_STATUSES.includes(before.status)) throw crawlFinished(before);
      if (!(await cancelCrawl(db, { accountId: request.accountId }, id))) throw notFound('crawl');
      return presentCrawl(await crawlOf(request.accountId, id));
    },
  );
}
