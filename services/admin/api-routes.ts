import type { FastifyInstance } from 'fastify';
import type { AdminOperations } from './operations.js';
import type { AdminSessions } from './session.js';
import type { OpenApi } from '../web/openapi.js';
import type { OperationId, Route } from '../web/contract.js';
import { decodeCursor, encodeCursor, isCreatedCursor, isIdCursor } from '../web/cursor.js';


interface Deps {
  operations: AdminOperations;
  sessions: AdminSessions;
  openapi: OpenApi;
}

/** The ops admin as JSON, under /admin/api: the same data and actions as its pages. */
export async function adminApiRoutes(app: FastifyInstance, { operations: ops, sessions, openapi }: Deps) {
  // onRequest: the token is checked before the body is read or validated.
  app.addHook('onRequest', sessions.requireForApi());
  const schema = (operationId: OperationId) => ({ schema: openapi.requestSchema(operationId) });

  app.get('/admin/api/fleet', schema('getFleet'), () => ops.fleet());

  app.get('/admin/api/queues', schema('listQueues'), async () => ({ items: await ops.queues() }));
  app.post<Route<'pauseQueue'>>('/admin/api/queues/:name/pause', schema('pauseQueue'), (request) =>
    ops.pauseQueue(request.admin, request.params.name));
  app.post<Route<'resumeQueue'>>('/admin/api/queues/:name/resume', schema('resumeQueue'), (request) =>
    ops.resumeQueue(request.admin, request.params.name));
  app.post<Route<'retryFailedJobs'>>('/admin/api/queues/:name/retry-failed', schema('retryFailedJobs'), (request) =>
    ops.retryFailedJobs(request.admin, request.params.name));
  app.post<Route<'cleanQueue'>>('/admin/api/queues/:name/clean', schema('cleanQueue'), (request) =>
    ops.cleanQueue(request.admin, request.params.name, request.body.state, request.body.graceSeconds ?? 0));

  app.get<Route<'adminListCrawls'>>(
    '/admin/api/crawls',
    schema('adminListCrawls'),
    async (request) => {
      const { status, accountId, limit = 50, cursor } = request.query;
      const before = cursor ? decodeCursor(cursor, isCreatedCursor) : undefined;
      const page = await ops.crawls({ status, accountId, limit, before });
      return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
    },
  );
  app.get<Route<'adminGetCrawl'>>('/admin/api/crawls/:id', schema('adminGetCrawl'), (request) => ops.crawl(request.params.id));
  app.post<Route<'adminCancelCrawl'>>('/admin/api/crawls/:id/cancel', schema('adminCancelCrawl'), (request) =>
    ops.cancelCrawl(request.admin, request.params.id));

  app.get<Route<'adminListWatches'>>('/admin/api/watches', schema('adminListWatches'), async (request) => {
    const { accountId, limit = 50, cursor } = request.query;
    const before = cursor ? decodeCursor(cursor, isCreatedCursor) : undefined;
    const page = await ops.watches({ accountId, limit, before });
    return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  app.get('/admin/api/accounts', schema('listAccounts'), async () => ({ items: await ops.accounts() }));
  app.post<Route<'createAccount'>>('/admin/api/accounts', schema('createAccount'), async (request, reply) =>
    reply.status(201).send(await ops.createAccount(request.admin, request.body.name)));
  app.get<Route<'getAccount'>>('/admin/api/accounts/:id', schema('getAccount'), (request) => ops.account(request.params.id));
  app.get<Route<'listApiKeys'>>('/admin/api/accounts/:id/api-keys', schema('listApiKeys'), async (request) => ({
    items: await ops.apiKeys(request.params.id),
  }));
  app.post<Route<'createApiKey'>>('/admin/api/api-keys', schema('createApiKey'), async (request, reply) => {
    const { name, accountId } = request.body;
    const issued = await ops.issueApiKey(request.admin, name, accountId);
    request.log.info({ keyId: issued.id, accountId: issued.accountId }, 'api key issued');
    return reply.status(201).send(issued);
  });
  app.delete<Route<'revokeApiKey'>>('/admin/api/api-keys/:id', schema('revokeApiKey'), async (request) => {
    const revoked = await ops.revokeApiKey(request.admin, request.params.id);
    request.log.info({ keyId: revoked.id, accountId: revoked.accountId }, 'api key revoked');
    return revoked;
  });

  app.get<Route<'listHosts'>>('/admin/api/hosts', schema('listHosts'), (request) => ops.hosts(request.query.limit));

  app.get<Route<'listTroubledEndpoints'>>('/admin/api/webhook-endpoints', schema('listTroubledEndpoints'), async (request) => ({
    items: await ops.webhookEndpoints(request.query.state),
  }));

  app.get<Route<'listAudit'>>('/admin/api/audit', schema('listAudit'), async (request) => {
    const { limit = 50, cursor, action, actor, target, since, until } = request.query;
    const beforeId = cursor ? decodeCursor(cursor, isIdCursor).id : undefined;
    const rows = await ops.auditLog({
      limit: limit + 1, beforeId, action, actor, target, since: since ? new Date(since) : undefined, until: until ? new Date(until) : undefined,
    });
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor({ id: items[items.length - 1]!.id }) : null };
  });
}
