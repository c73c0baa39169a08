import type { FastifyRequest } from 'fastify';
import type { Db } from '../store/db.js';
import { accountForKeyHash } from '../store/accounts.js';
import { unauthorized } from '../errors.js';
import { hashApiKey } from '../web/keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's account, set by the API-key check on every /v1 route. */
    accountId: string;
    /** Who acts, as a prospect's history records it: the API key's name. */
    actor: string;
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** A preHandler that admits requests carrying a live API key and records its account. */
export function requireApiKey(db: Db) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    if (!token) throw unauthorized('send an API key as Authorization: Bearer <key>');
    const key = await accountForKeyHash(db, hashApiKey(token));
    if (!key) throw unauthorized('the API key is unknown or revoked');
    request.accountId = key.accountId;
    request.actor = `api_key:${key.keyName}`;
  };
}
