import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../api/app.js';
import type { OpenApi } from '../api/openapi.js';
import { notFound } from '../errors.js';
import { requireAdmin } from '../api/auth.js';
import { generateApiKey } from '../api/keys.js';
import { withTransaction } from '../store/db.js';
import { accountExists, createAccount, insertApiKey } from '../store/accounts.js';

export async function adminApiKeyRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  // onRequest: the token is checked before the body is read or validated.
  app.addHook('onRequest', requireAdmin(runtime.config.adminToken));

  app.post<{ Body: { name: string; accountId?: string } }>(
    '/admin/api-keys',
    { schema: openapi.requestSchema('createApiKey') },
    async (request, reply) => {
      const { name, accountId } = request.body;
      const generated = generateApiKey();
      const record = await withTransaction(runtime.db, async (tx) => {
        if (accountId && !(await accountExists(tx, accountId))) throw notFound('account');
        const owner = accountId ?? (await createAccount(tx, name));
        return insertApiKey(tx, { accountId: owner, name, hash: generated.hash, prefix: generated.prefix });
      });
      request.log.info({ keyId: record.id, accountId: record.accountId }, 'api key issued');
      return reply.status(201).send({
        id: record.id,
        name: record.name,
        key: generated.key,
        accountId: record.accountId,
        createdAt: record.createdAt,
      });
    },
  );
}
