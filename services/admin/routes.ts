import type { FastifyInstance } from 'fastify';
import { isUuid } from '../ids.js';
import type { RouteDeps } from '../api/app.js';
import { notFound } from '../errors.js';
import { requireAdmin } from '../api/auth.js';
import { generateApiKey } from '../api/keys.js';
import { withTransaction } from '../store/db.js';
import {
  accountExists, createAccount, insertAccount, insertApiKey, listAccounts, listApiKeys, revokeApiKey,
} from '../store/accounts.js';


/** The admin API: accounts and their keys. Every route needs ADMIN_TOKEN and is disabled without it. */
export async function adminRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  const { db } = runtime;
  // onRequest: the token is checked before the body is read or validated.
  app.addHook('onRequest', requireAdmin(runtime.config.adminToken));

  app.post<{ Body: { name: string } }>('/admin/accounts', { schema: openapi.requestSchema('createAccount') }, async (request, reply) =>
    reply.status(201).send(await insertAccount(db, request.body.name)),
  );

  app.get('/admin/accounts', { schema: openapi.requestSchema('listAccounts') }, async () => ({ items: await listAccounts(db) }));

  app.get<{ Params: { id: string } }>(
    '/admin/accounts/:id/api-keys',
    { schema: openapi.requestSchema('listApiKeys') },
    async (request) => {
      const { id } = request.params;
      if (!isUuid(id) || !(await accountExists(db, id))) throw notFound('account');
      return { items: await listApiKeys(db, id) };
    },
  );

  app.post<{ Body: { name: string; accountId?: string } }>(
    '/admin/api-keys',
    { schema: openapi.requestSchema('createApiKey') },
    async (request, reply) => {
      const { name, accountId } = request.body;
      const generated = generateApiKey();
      const record = await withTransaction(db, async (tx) => {
        if (accountId && !(await accountExists(tx, accountId))) throw notFound('account');
        const owner = accountId ?? (await createAccount(tx, name));
        return insertApiKey(tx, { accountId: owner, name, hash: generated.hash, prefix: generated.prefix });
      });
      request.log.info({ keyId: record.id, accountId: record.accountId }, 'api key issued');
      return reply.status(201).send({
        id: record.id,
        name: record.name,
        key: generated.key,
        keyPrefix: record.keyPrefix,
        accountId: record.accountId,
        createdAt: record.createdAt,
      });
    },
  );

  app.delete<{ Params: { id: string } }>('/admin/api-keys/:id', { schema: openapi.requestSchema('revokeApiKey') }, async (request) => {
    const revoked = isUuid(request.params.id) ? await revokeApiKey(db, request.params.id) : null;
    if (!revoked) throw notFound('API key');
    request.log.info({ keyId: revoked.id, accountId: revoked.accountId }, 'api key revoked');
    return revoked;
  });
}
