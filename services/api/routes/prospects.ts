import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../deps.js';
import { badRequest, notFound } from '../../errors.js';
import { findProspect, listProspects, updateProspects, type Prospect, type ProspectChange, type ProspectCursor, type ProspectSort } from '../../store/prospects.js';
import { prospectHistory } from '../../store/prospect-history.js';
import { dueLinkChecks } from '../../store/link-checks.js';
import { normalizeUrl } from '../../crawl/urls.js';
import { requestRecheck } from '../../store/rechecks.js';
import { decodeCursor, encodeCursor } from '../../web/cursor.js';
import { csvLine } from '../csv.js';
import { checkFilterOwner, filterOf } from '../prospect-params.js';
import type { Route } from '../../web/contract.js';

type Cursor = ProspectCursor & { sort: ProspectSort };
const cursorFor = (sort: ProspectSort) => (value: unknown): value is Cursor =>
  (value as Cursor)?.sort === sort && Number.isSafeInteger((value as Cursor).id) &&
  (sort !== 'score' || Number.isInteger((value as Cursor).score)) &&
  (sort !== 'relevance' || (typeof (value as Cursor).relevance === 'number' && Number.isFinite((value as Cursor).relevance)));
/** Where a page of prospects ended, for the next one. */
const positionOf = (last: Prospect): ProspectCursor => ({ id: Number(last.id), score: last.score, relevance: Number(last.sourceRelevance ?? 1) });

const EXPORT_BATCH = 500;
const CSV_COLUMNS = [
  'id', 'crawlId', 'status', 'score', 'reason', 'httpStatus', 'deadUrl', 'deadDomain', 'deadDomainExpired', 'sourceUrl',
  'sourceTitle', 'sourceDomain', 'sourceLang', 'sourceRelevance', 'anchorText', 'context', 'position', 'rel', 'followed', 'referringPages',
  'referringDomains', 'accountReferringPages', 'accountReferringDomains', 'emails', 'contactPages', 'authors',
  'archiveUrl', 'archiveTimestamp', 'archiveTitle', 'archiveWordCount', 'archiveFirstParagraph',
  'firstSeenAt', 'lastSeenAt', 'state', 'resolution', 'resolvedAt', 'replacementUrl', 'notes',
];

export async function prospectRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  const { db, queues, config } = runtime;

  const prospectOf = async (accountId: string, id: string) => {
    const prospect = await findProspect(db, accountId, id);
    if (!prospect) throw notFound('prospect');
    return prospect;
  };

  app.get<Route<'listProspects'>>('/v1/prospects', { schema: openapi.requestSchema('listProspects') }, async (request) => {
    const { cursor, limit = 50, sort = 'firstSeen' } = request.query;
    const filter = filterOf(request.query);
    await checkFilterOwner(db, request.accountId, filter);
    const after = cursor ? decodeCursor(cursor, cursorFor(sort)) : undefined;
    const rows = await listProspects(db, request.accountId, { filter, sort, after, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = rows.length > limit ? items[items.length - 1]! : null;
    return { items, nextCursor: last ? encodeCursor({ sort, ...positionOf(last) }) : null };
  });

  app.get<Route<'exportProspects'>>(
    '/v1/prospects/export',
    { schema: openapi.requestSchema('exportProspects') },
    async (request, reply) => {
      const { sort = 'firstSeen', format = 'csv' } = request.query;
      const filter = filterOf(request.query);
      await checkFilterOwner(db, request.accountId, filter);
      const accountId = request.accountId;
      // Batches by keyset: the export holds a batch or two in memory (the stream queues one chunk, a
      // batch), however many rows it streams.
      const line = format === 'csv' ? (row: Prospect) => csvLine(csvValues(row)) : (row: Prospect) => `${JSON.stringify(row)}\n`;
      async function* rows() {
        if (format === 'csv') yield csvLine(CSV_COLUMNS);
        let after: ProspectCursor | undefined;
        for (;;) {
          const batch = await listProspects(db, accountId, { filter, sort, after, limit: EXPORT_BATCH });
          // One chunk per batch: a chunk per row made the response a write per row, slower than the query.
          if (batch.length > 0) yield batch.map(line).join('');
          if (batch.length < EXPORT_BATCH) return;
          const last = batch[batch.length - 1]!;
          after = positionOf(last);
        }
      }
      const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson';
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="prospects.${format}"`)
        .send(Readable.from(rows(), { highWaterMark: 1 }));
    },
  );

  // A won prospect with our page as its replacement gets its first link check now, not at the next scan.
  const update = async (request: { accountId: string; actor: string }, ids: string[], change: ProspectChange) => {
    if (change.replacementUrl) change = { ...change, replacementUrl: replacementUrlOf(change.replacementUrl) };
    const updated = await updateProspects(db, request.accountId, ids, change, request.actor);
    if (updated.length > 0 && (change.status === 'won' || change.replacementUrl)) {
      await queues.enqueueLinkChecks(await dueLinkChecks(db, config.linkCheckIntervalMs, updated.length, updated));
    }
    return updated;
  };

  app.patch<Route<'updateProspects'>>(
    '/v1/prospects',
    { schema: openapi.requestSchema('updateProspects') },
    async (request) => {
      const { ids, ...change } = request.body;
      const updated = await update(request, ids, change);
      return { updated, notFound: ids.filter((id) => !updated.includes(id)) };
    },
  );

  app.get<Route<'getProspect'>>('/v1/prospects/:id', { schema: openapi.requestSchema('getProspect') }, async (request) =>
    prospectOf(request.accountId, request.params.id),
  );

  app.get<Route<'getProspectHistory'>>('/v1/prospects/:id/history', { schema: openapi.requestSchema('getProspectHistory') }, async (request) => {
    const prospect = await prospectOf(request.accountId, request.params.id);
    return { items: await prospectHistory(db, prospect.id) };
  });

  app.patch<Route<'updateProspect'>>(
    '/v1/prospects/:id',
    { schema: openapi.requestSchema('updateProspect') },
    async (request) => {
      await prospectOf(request.accountId, request.params.id);
      await update(request, [request.params.id], request.body);
      return prospectOf(request.accountId, request.params.id);
    },
  );

  app.post<Route<'recheckProspect'>>(
    '/v1/prospects/:id/recheck',
    { schema: openapi.requestSchema('recheckProspect') },
    async (request, reply) => {
      const prospect = await prospectOf(request.accountId, request.params.id);
      const requested = await requestRecheck(db, request.accountId, prospect.id);
      if (requested) await queues.enqueueRecheck(requested);
      return reply.status(202).send(await prospectOf(request.accountId, prospect.id));
    },
  );
}

/** Our page's URL as extraction normalizes links, so that the source page's link to it compares equal. */
function replacementUrlOf(url: string): string {
  const normalized = /^https?:\/\//i.test(url) ? normalizeUrl(url) : null;
  if (!normalized) throw badRequest('invalid_replacement_url', `replacementUrl '${url.slice(0, 200)}' is not an absolute http(s) URL`);
  return normalized;
}

function csvValues(row: Record<string, any>): unknown[] {
  const flat: Record<string, unknown> = {
    ...row,
    emails: row.contacts?.emails,
    contactPages: row.contacts?.contactPages,
    authors: row.contacts?.authors,
    archiveUrl: row.archive?.url,
    archiveTimestamp: row.archive?.timestamp,
    archiveTitle: row.archive?.title,
    archiveWordCount: row.archive?.wordCount,
    archiveFirstParagraph: row.archive?.firstParagraph,
  };
  return CSV_COLUMNS.map((column) => flat[column]);
}
