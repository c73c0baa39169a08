import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
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
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The login page, coming back to `url` after signing in. */
export const loginPath = (url: string) => `/admin/login?next=${encodeURIComponent(url)}`;

/** A name fit for the audit log: printable, trimmed, at most 64 characters. */
export function actorName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const name = raw.replace(/[\x00-\x1f\x7f]/g, '').trim().slice(0, 64);
  return name || null;
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
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
 * Admin authentication. ADMIN_TOKEN is the one secret: machines send it as a bearer token (naming
 * themselves in X-Admin-Actor for the audit log), people exchange it at /admin/login for a session
 * cookie that carries their name, signed with a key derived from the token (changing the token ends
 * every session). Client API keys are never accepted. With ADMIN_TOKEN unset the admin is disabled.
 */
export function createAdminSessions(adminToken: string | undefined) {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = adminToken === undefined ? null : digest(adminToken);
  const signingKey = adminToken === undefined ? null : digest(`blb admin session\n${adminToken}`);
  const sign = (payload: string) => createHmac('sha256', signingKey!).update(payload).digest('base64url');

  const tokenMatches = (token: string) =>
    // Comparing digests keeps the comparison constant-time whatever the token's length.
    expected !== null && timingSafeEqual(digest(token), expected);

  function sessionActor(request: FastifyRequest): string | null {
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (!cookie || !signingKey) return null;
    const [payload, signature] = cookie.split('.');
    if (!payload || !signature) return null;
    const good = Buffer.from(sign(payload));
    const given = Buffer.from(signature);
    if (good.length !== given.length || !timingSafeEqual(good, given)) return null;
    try {
      const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a: string; e: number };
      return session.e > Date.now() / 1000 ? actorName(session.a) : null;
    } catch {
      return null;
    }
  }

  /** The identity behind a request: the bearer token or a session; throws when there is none. */
  function authenticate(request: FastifyRequest): AdminActor {
    if (!expected) throw forbidden('admin_disabled', 'the admin is disabled: set ADMIN_TOKEN to enable it');
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (bearer) {
      if (!tokenMatches(bearer[1]!)) throw unauthorized('the admin token is wrong: send Authorization: Bearer <ADMIN_TOKEN>');
      return { actor: actorName(request.headers['x-admin-actor']) ?? 'admin-token', ip: request.ip };
    }
    const actor = sessionActor(request);
    if (!actor) throw unauthorized('admin routes need Authorization: Bearer <ADMIN_TOKEN>, or a session from /admin/login');
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
      return async (request: FastifyRequest) => {
        request.admin = authenticate(request);
      };
    },
    /** onRequest hook for pages: a visitor without a session is sent to the login page. */
    requireForPages() {
      return async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          request.admin = authenticate(request);
        } catch (error) {
          if (!(error instanceof AppError) || error.statusCode !== 401 || request.method !== 'GET') throw error;
          return reply.redirect(loginPath(request.url), 303);
        }
      };
    },
    /** Starts a session for `actor`: the Set-Cookie header value. */
    startSession(actor: string, secure: boolean): string {
      const payload = Buffer.from(JSON.stringify({ a: actor, e: Math.floor(Date.now() / 1000) + SESSION_SECONDS })).toString('base64url');
      return `${SESSION_COOKIE}=${payload}.${sign(payload)}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}${secure ? '; Secure' : ''}`;
    },
    endSession(): string {
      return `${SESSION_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0`;
    },
  };
}

export type AdminSessions = ReturnType<typeof createAdminSessions>;
