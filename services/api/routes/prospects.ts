import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../deps.js';
import { notFound } from '../../errors.js';
import { findCrawl } from '../../store/crawls.js';
import { findProspect, listProspects, updateProspects, type ProspectCursor, type ProspectSort } from '../../store/prospects.js';
import { requestRecheck } from '../../store/rechecks.js';
import { decodeCursor, encodeCursor } from '../../web/cursor.js';
import { csvLine } from '../csv.js';
import { filterOf } from '../prospect-params.js';
import type { Route } from '../../web/contract.js';

type Cursor = ProspectCursor & { sort: ProspectSort };
const cursorFor = (sort: ProspectSort) => (value: unknown): value is Cursor =>
  (value as Cursor)?.sort === sort && Number.isSafeInteger((value as Cursor).id) &&
  (sort !== 'score' || Number.isInteger((value as Cursor).score));

const EXPORT_BATCH = 500;
const CSV_COLUMNS = [
  'id', 'crawlId', 'status', 'score', 'reason', 'httpStatus', 'deadUrl', 'deadDomain', 'deadDomainExpired', 'sourceUrl',
  'sourceTitle', 'sourceDomain', 'sourceLang', 'anchorText', 'context', 'position', 'rel', 'followed', 'referringPages',
  'referringDomains', 'accountReferringPages', 'accountReferringDomains', 'emails', 'contactPages', 'authors',
  'archiveUrl', 'archiveTimestamp', 'archiveTitle', 'archiveWordCount', 'archiveFirstParagraph',
  'firstSeenAt', 'lastSeenAt', 'notes',
];

export async function prospectRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  const { db, queues } = runtime;

  const checkCrawl = async (accountId: string, crawlId: string | undefined) => {
    if (crawlId && !(await findCrawl(db, { accountId }, crawlId))) throw notFound('crawl');
  };
  const prospectOf = async (accountId: string, id: string) => {
    const prospect = await findProspect(db, accountId, id);
    if (!prospect) throw notFound('prospect');
    return prospect;
  };

  app.get<Route<'listProspects'>>('/v1/prospects', { schema: openapi.requestSchema('listProspects') }, async (request) => {
    const { cursor, limit = 50, sort = 'firstSeen' } = request.query;
    const filter = filterOf(request.query);
    await checkCrawl(request.accountId, filter.crawlId);
    const after = cursor ? decodeCursor(cursor, cursorFor(sort)) : undefined;
    const rows = await listProspects(db, request.accountId, { filter, sort, after, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = rows.length > limit ? items[items.length - 1]! : null;
    return { items, nextCursor: last ? encodeCursor({ sort, id: Number(last.id), score: last.score }) : null };
  });

  app.get<Route<'exportProspects'>>(
    '/v1/prospects/export',
    { schema: openapi.requestSchema('exportProspects') },
    async (request, reply) => {
      const { sort = 'firstSeen', format = 'csv' } = request.query;
      const filter = filterOf(request.query);
      await checkCrawl(request.accountId, filter.crawlId);
      const accountId = request.accountId;
      // Batches by keyset: the export holds one batch in memory, however many rows it streams.
      async function* rows() {
        if (format === 'csv') yield csvLine(CSV_COLUMNS);
        let after: ProspectCursor | undefined;
        for (;;) {
          const batch = await listProspects(db, accountId, { filter, sort, after, limit: EXPORT_BATCH });
          for (const row of batch) yield format === 'csv' ? csvLine(csvValues(row)) : `${JSON.stringify(row)}\n`;
          if (batch.length < EXPORT_BATCH) return;
          const last = batch[batch.length - 1]!;
          after = { id: Number(last.id), score: last.score };
        }
      }
      const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson';
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="prospects.${format}"`)
        .send(Readable.from(rows()));
    },
  );

  app.patch<Route<'updateProspects'>>(
    '/v1/prospects',
    { schema: openapi.requestSchema('updateProspects') },
    async (request) => {
      const { ids, status, notes } = request.body;
      const updated = await updateProspects(db, request.accountId, ids, { status, notes });
      return { updated, notFound: ids.filter((id) => !updated.includes(id)) };
    },
  );

  app.get<Route<'getProspect'>>('/v1/prospects/:id', { schema: openapi.requestSchema('getProspect') }, async (request) =>
    prospectOf(request.accountId, request.params.id),
  );

  app.patch<Route<'updateProspect'>>(
    '/v1/prospects/:id',
    { schema: openapi.requestSchema('updateProspect') },
    async (request) => {
      await prospectOf(request.accountId, request.params.id);
      await updateProspects(db, request.accountId, [request.params.id], request.body);
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
