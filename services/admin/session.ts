import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { AppError, forbidden, unauthorized } from '../errors.js';

/** Who is acting in the admin, for the audit log. */
export interface AdminActor {
  actor: string;
  ip: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin check on every admin route. */
    admin: AdminActor;
  }
}

export const SESSION_COOKIE = 'blb_admin';
const SESSION_SECONDS = 12 * 3600;
// Only the admin's own pages get the cookie, never script, never another site's request.
const COOKIE_OPTIONS: CookieSerializeOptions = { path: '/admin', httpOnly: true, sameSite: 'strict' };
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The login page, coming back to `url` after signing in. */
export const loginPath = (url: string) => `/admin/login?next=${encodeURIComponent(url)}`;

/** A name fit for the audit log: printable, trimmed, at most 64 characters. */
export function actorName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const name = raw.replace(/[\x00-\x1f\x7f]/g, '').trim().slice(0, 64);
  return name || null;
}

function sameOrigin(request: FastifyRequest): boolean {
  const source = request.headers.origin ?? request.headers.referer;
  if (!source) return false;
  try {
    // request.host is the Host header, or X-Forwarded-Host from a trusted proxy (TRUSTED_PROXIES).
    return new URL(source).host === request.host;
  } catch {
    return false;
  }
}

/**
 * Redis, where ended sessions are remembered until they would have expired anyway (the cookie alone cannot
 * be recalled) and failed bearer tokens are counted.
 */
export interface EndedSessions {
  redis: Pick<Redis, 'set' | 'exists' | 'pttl' | 'multi'>;
  keyPrefix: string;
}

// Failed bearer tokens, per client address and the name it gives (X-Admin-Actor): as many as the
// sign-in page allows, then each further one waits, twice as long as the last, up to the window.
const BEARER_FAILURES_ALLOWED = 10;
const BEARER_FAILURE_WINDOW_SECONDS = 15 * 60;
const FIRST_WAIT_SECONDS = 60;

/**
 * Counts a wrong bearer token in Redis, so the count holds across API processes, and says how long the
 * caller must wait before its next wrong one is heard (0: not yet throttled). A wrong token met during a
 * wait is refused unheard and not counted; the count forgets a caller silent for the window (after its wait).
 */
async function countBearerFailure(ended: EndedSessions, caller: string): Promise<number> {
  const failuresKey = `${ended.keyPrefix}:admin-bearer-failures:${caller}`;
  const waitKey = `${ended.keyPrefix}:admin-bearer-wait:${caller}`;
  const waitingMs = await ended.redis.pttl(waitKey);
  if (waitingMs > 0) return Math.ceil(waitingMs / 1000);
  const counted = await ended.redis.multi().incr(failuresKey).expire(failuresKey, BEARER_FAILURE_WINDOW_SECONDS).exec();
  const failures = Number(counted?.[0]?.[1] ?? 0);
  if (failures < BEARER_FAILURES_ALLOWED) return 0;
  const wait = Math.min(FIRST_WAIT_SECONDS * 2 ** (failures - BEARER_FAILURES_ALLOWED), BEARER_FAILURE_WINDOW_SECONDS);
  await ended.redis.multi().set(waitKey, '1', 'EX', wait).expire(failuresKey, wait + BEARER_FAILURE_WINDOW_SECONDS).exec();
  return 0;
}

/**
 * Admin authentication. ADMIN_TOKEN is the one secret: machines send it as a bearer token (naming
 * themselves in X-Admin-Actor for the audit log), people exchange it at /admin/login for a session
 * cookie that carries their name, signed with a key derived from the token (changing the token ends
 * every session). Client API keys are never accepted. With ADMIN_TOKEN unset the admin is disabled.
 * Wrong bearer tokens are throttled per address and name (429 with a growing Retry-After); the right one
 * always gets in.
 *
 * @fastify/cookie (registered by the admin plugin) reads and writes the cookie; the signature stays
 * ours rather than the plugin's `signed` cookies. Those would gain nothing: the expiry must still
 * travel inside the signed value (Max-Age is only the browser's promise) and the key must still come
 * from the token. And they would cost: the plugin signs in standard base64, not base64url, so every
 * session open at the upgrade would stop verifying and the cookie's value would change shape.
 */
export function createAdminSessions(adminToken: string | undefined, ended: EndedSessions) {
  const endedKey = (id: string) => `${ended.keyPrefix}:admin-session-ended:${id}`;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = adminToken === undefined ? null : digest(adminToken);
  const signingKey = adminToken === undefined ? null : digest(`blb admin session\n${adminToken}`);
  const sign = (payload: string) => createHmac('sha256', signingKey!).update(payload).digest('base64url');

  const tokenMatches = (token: string) =>
    // Comparing digests keeps the comparison constant-time whatever the token's length.
    expected !== null && timingSafeEqual(digest(token), expected);

  /** The session a request carries (its actor, id and expiry), when its signature holds and it has not expired. */
  function sessionOf(request: FastifyRequest): { actor: string; id: string; expires: number } | null {
    // `cookies` is null where the cookie plugin is not registered: no session there rather than a crash.
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie || !signingKey) return null;
    const [payload, signature] = cookie.split('.');
    if (!payload || !signature) return null;
    const good = Buffer.from(sign(payload));
    const given = Buffer.from(signature);
    if (good.length !== given.length || !timingSafeEqual(good, given)) return null;
    try {
      const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a: string; e: number; i?: string };
      const actor = actorName(session.a);
      // Sessions from before ids were given have none: signing in again gives one.
      if (session.e <= Date.now() / 1000 || !actor || typeof session.i !== 'string') return null;
      return { actor, id: session.i, expires: session.e };
    } catch {
      return null;
    }
  }

  /**
   * A wrong bearer token: 401, or 429 with Retry-After (set on `reply` when given) once its caller, the
   * address and the name it gives, has failed too often. Redis unreachable: a plain 401, never a lockout.
   */
  async function refuseBearer(request: FastifyRequest, name: string | null, reply?: FastifyReply): Promise<never> {
    const caller = `${request.ip}:${createHash('sha256').update(name ?? '').digest('base64url').slice(0, 16)}`;
    const waitSeconds = await countBearerFailure(ended, caller).catch((error: unknown) => {
      request.log.warn({ err: error }, 'admin token failures cannot be counted; the wrong token is refused without it');
      return 0;
    });
    if (waitSeconds > 0) {
      reply?.header('retry-after', waitSeconds);
      throw new AppError(429, 'too_many_failed_attempts', `too many wrong admin tokens from this address and name; retry in ${waitSeconds} s with the right token`);
    }
    throw unauthorized('the admin token is wrong: send Authorization: Bearer <ADMIN_TOKEN>');
  }

  /**
   * The identity behind a request: the bearer token or a session; throws when there is none. `reply`
   * receives the Retry-After of a throttled bearer token.
   */
  async function authenticate(request: FastifyRequest, reply?: FastifyReply): Promise<AdminActor> {
    if (!expected) throw forbidden('admin_disabled', 'the admin is disabled: set ADMIN_TOKEN to enable it');
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (bearer) {
      const name = actorName(request.headers['x-admin-actor']);
      // The token is compared first, in full and in constant time, whatever the caller's failures: the
      // right token always gets in, so failures from a shared address never lock out the machines behind it.
      if (tokenMatches(bearer[1]!)) return { actor: name ?? 'admin-token', ip: request.ip };
      return refuseBearer(request, name, reply);
    }
    const session = sessionOf(request);
    if (!session || (await ended.redis.exists(endedKey(session.id)))) {
      throw unauthorized('admin routes need Authorization: Bearer <ADMIN_TOKEN>, or a session from /admin/login');
    }
    const { actor } = session;
    // A session rides on a cookie, which a browser would also send on another site's form post.
    if (UNSAFE.has(request.method) && !sameOrigin(request)) {
      throw forbidden('cross_site_request', 'admin changes made with a session must come from the admin itself');
    }
    return { actor, ip: request.ip };
  }

  return {
    enabled: expected !== null,
    tokenMatches,
    authenticate,
    /** onRequest hook for JSON routes: 401/403 with the API's error body. */
    requireForApi() {
      return async (request: FastifyRequest, reply: FastifyReply) => {
        request.admin = await authenticate(request, reply);
      };
    },
    /** onRequest hook for pages: a visitor without a session is sent to the login page. */
    requireForPages() {
      return async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          request.admin = await authenticate(request, reply);
        } catch (error) {
          if (!(error instanceof AppError) || error.statusCode !== 401 || request.method !== 'GET') throw error;
          return reply.redirect(loginPath(request.url), 303);
        }
      };
    },
    /** Starts a session for `actor` on the reply; Secure when the request came over https (TRUSTED_PROXIES). */
    startSession(reply: FastifyReply, actor: string): void {
      const session = { a: actor, e: Math.floor(Date.now() / 1000) + SESSION_SECONDS, i: randomBytes(16).toString('base64url') };
      const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
      reply.setCookie(SESSION_COOKIE, `${payload}.${sign(payload)}`, { ...COOKIE_OPTIONS, maxAge: SESSION_SECONDS, secure: 'auto' });
    },
    /**
     * Ends the request's session on the server (a copy of its cookie no longer opens the admin) and
     * removes the cookie from the browser.
     */
    async endSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const session = sessionOf(request);
      const left = session ? Math.ceil(session.expires - Date.now() / 1000) : 0;
      if (session && left > 0) await ended.redis.set(endedKey(session.id), '1', 'EX', left);
      // Not reply.clearCookie: it adds an Expires in 1970 to the Max-Age=0 that has always cleared it.
      reply.setCookie(SESSION_COOKIE, '', { ...COOKIE_OPTIONS, maxAge: 0 });
    },
  };
}

export type AdminSessions = ReturnType<typeof createAdminSessions>;
