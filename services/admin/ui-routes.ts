import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { AdminOperations } from './operations.js';
import { actorName, type AdminSessions } from './session.js';
import { html, type Html } from './html.js';
import { AppError, badRequest, crawlFinished } from '../errors.js';
import { isUuid } from '../ids.js';
import { decodeCursor, encodeCursor, isCreatedCursor, isIdCursor } from '../web/cursor.js';
import { LIVE_CRAWL_STATUSES, type CrawlStatus } from '../crawl/settings.js';
import { CRAWL_STATUSES } from '../crawl/vocabulary.js';
import { layout } from './views/layout.js';
import { disabledPage, loginPage } from './views/login.js';
import { fleetPage } from './views/fleet.js';
import { crawlsPage } from './views/crawls.js';
import { cancelCrawlPage, crawlPage } from './views/crawl-page.js';
import { notFoundBody, readablePath } from './views/not-found.js';
import { watchesPage } from './views/watches.js';
import { accountPage, accountsPage } from './views/accounts.js';
import { hostsPage } from './views/hosts.js';
import { webhooksPage } from './views/webhooks.js';
import { auditFilterOf, auditPage, type AuditFilterFields } from './views/audit.js';

interface Deps {
  operations: AdminOperations;
  sessions: AdminSessions;
  redis: Redis;
  keyPrefix: string;
}

// A page's filter, not in openapi.yaml: `satisfies` makes tsc refuse a word that is no crawl status.
const KNOWN_CRAWL_STATUSES = new Set<string>(CRAWL_STATUSES);
const LOGIN_ATTEMPTS_PER_15_MINUTES = 10;
const PAGE_SIZE = 50;
const PROSPECTS_SHOWN = 25;
const AUDIT_FILTERS = ['actor', 'action', 'target', 'from', 'to'] as const;
// Unknown paths under these answer the JSON 404 of every API; other /admin paths get the admin's own page.
const JSON_PATHS = /^\/admin\/(api|queues\/api)(\/|$)/;

/** Where a crawl page's list of prospects goes on: the last row's score and id, and how many came before. */
type ProspectPosition = { id: number; score: number; offset: number };
const isProspectPosition = (value: unknown): value is ProspectPosition =>
  [(value as ProspectPosition)?.id, (value as ProspectPosition)?.offset].every(Number.isSafeInteger) &&
  Number.isFinite((value as ProspectPosition)?.score);

/** Only a path inside the admin may follow a login: never another site. */
/**
 * Where to go after signing in: an /admin path of this site, else /admin. Characters a Location header
 * cannot carry (non-ASCII, controls) are percent-encoded, as a browser would send them.
 */
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/admin(\/|$|\?)/.test(next) && !next.startsWith('//')
    ? next.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c))
    : '/admin';

const crawlTitle = (crawl: { id: string; accountName: string }) => `Crawl ${crawl.id.slice(0, 8)} of ${crawl.accountName}`;

type Form = Record<string, string>;
const field = (body: unknown, name: string) => ((body as Form | undefined)?.[name] ?? '').trim();
/** The form's `name`, 1 to 200 characters, for an account or a key. */
function nameOf(body: unknown, what: 'an account' | 'a key'): string {
  const name = field(body, 'name');
  if (!name || name.length > 200) throw badRequest('invalid_name', `${what} needs a name of 1 to 200 characters`);
  return name;
}

/** The admin's pages: server-rendered HTML, one form per action, every action audited. */
export async function adminUiRoutes(app: FastifyInstance, { operations: ops, sessions, redis, keyPrefix }: Deps) {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const send = (reply: FastifyReply, page: Html, status = 200) => reply.status(status).type('text/html; charset=utf-8').send(page.value);
  const show = (request: FastifyRequest, reply: FastifyReply, title: string, body: Html, status = 200) => {
    // A notice follows an action taken here; a link from another site cannot put words in the admin's mouth.
    const notice = request.headers['sec-fetch-site'] === 'cross-site' ? undefined : (request.query as { notice?: string }).notice;
    return send(reply, layout({ title, actor: request.admin.actor, path: request.url.split('?')[0]!, notice }, body), status);
  };
  const done = (reply: FastifyReply, to: string, notice: string) =>
    reply.redirect(`${to}${to.includes('?') ? '&' : '?'}notice=${encodeURIComponent(notice)}`, 303);

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AppError) {
      if (error.code === 'admin_disabled') return send(reply, disabledPage(), 403);
      if (error.statusCode === 401) return reply.redirect('/admin/login', 303);
      const [title, body] = error.statusCode === 404
        ? ['Not found', notFoundBody(`${error.message[0]!.toUpperCase()}${error.message.slice(1)}.`)]
        : ['That did not work', html`<div class="error" role="alert">${error.message}</div><p><a href="javascript:history.back()">Back</a> · <a href="/admin">The admin home</a></p>`];
      return send(reply, layout({ title, actor: request.admin?.actor ?? '', path: request.url.split('?')[0]! }, body), error.statusCode);
    }
    // Fastify's own refusals (a form over its size limit, a body that cannot be parsed) keep their status.
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message = status === 413 ? 'The form is larger than the admin accepts (16 KiB).' : 'The request could not be read.';
      return send(reply, layout({ title: 'That did not work', actor: request.admin?.actor ?? '', path: request.url.split('?')[0]! }, html`<div class="error" role="alert">${message}</div>`), status);
    }
    request.log.error({ err: error }, 'admin page failed');
    return send(reply, html`<p>Something went wrong; the error is in the service's log.</p>`, 500);
  });

  const pageSession = sessions.requireForPages();

  // Signing in and out: outside the session check.
  app.get<{ Querystring: { next?: string } }>('/admin/login', async (request, reply) => {
    if (!sessions.enabled) return send(reply, disabledPage(), 403);
    return send(reply, loginPage({ next: safeNext(request.query.next) }));
  });

  app.post('/admin/login', async (request, reply) => {
    if (!sessions.enabled) return send(reply, disabledPage(), 403);
    const next = safeNext(field(request.body, 'next'));
    const name = actorName(field(request.body, 'name'));
    const attemptsKey = `${keyPrefix}:admin-login:${request.ip}`;
    const failures = Number((await redis.get(attemptsKey)) ?? 0);
    if (failures >= LOGIN_ATTEMPTS_PER_15_MINUTES) {
      return send(reply, loginPage({ next, error: 'Too many failed sign-ins from this address; wait 15 minutes.' }), 429);
    }
    if (!name) return send(reply, loginPage({ next, error: 'Give your name: the audit log records who did what.' }), 400);
    if (!sessions.tokenMatches(field(request.body, 'token'))) {
      await redis.multi().incr(attemptsKey).expire(attemptsKey, 15 * 60).exec();
      await ops.audit({ actor: name, ip: request.ip }, 'login.failed', null);
      return send(reply, loginPage({ next, name, error: 'That is not the admin token.' }), 401);
    }
    await ops.audit({ actor: name, ip: request.ip }, 'login', null);
    sessions.startSession(reply, name);
    return reply.redirect(next, 303);
  });

  await app.register(async (pages) => {
    pages.addHook('onRequest', pageSession);

    pages.post('/admin/logout', async (request, reply) => {
      await ops.audit(request.admin, 'logout', null);
      await sessions.endSession(request, reply);
      return reply.redirect('/admin/login', 303);
    });

    pages.get('/admin', async (request, reply) => {
      const [fleet, running] = await Promise.all([ops.fleet(), ops.crawls({ limit: 20, status: 'running' })]);
      return show(request, reply, 'Fleet', fleetPage({ ...fleet, running: running.items }));
    });

    pages.get<{ Querystring: { status?: string; account?: string; cursor?: string } }>('/admin/crawls', async (request, reply) => {
      const { status, account, cursor } = request.query;
      if (status && !KNOWN_CRAWL_STATUSES.has(status)) throw badRequest('invalid_status', `no crawl status '${status}'`);
      const before = cursor ? decodeCursor(cursor, isCreatedCursor) : undefined;
      const page = await ops.crawls({ limit: PAGE_SIZE, status: status as CrawlStatus | undefined, accountId: account || undefined, before });
      const query = new URLSearchParams({ ...(status ? { status } : {}), ...(account ? { account } : {}) });
      const nextHref = page.next ? `/admin/crawls?${query}${query.size ? '&' : ''}cursor=${encodeCursor(page.next)}` : null;
      return show(request, reply, 'Crawls', crawlsPage({ crawls: page.items, status, nextHref }));
    });

    pages.get<{ Params: { id: string }; Querystring: { prospects?: string } }>('/admin/crawls/:id', async (request, reply) => {
      const crawl = await ops.crawl(request.params.id);
      const position = request.query.prospects ? decodeCursor(request.query.prospects, isProspectPosition) : undefined;
      const [progress, rows] = await Promise.all([
        ops.crawlProgress(crawl.id),
        ops.crawlProspects(crawl, { limit: PROSPECTS_SHOWN + 1, after: position }),
      ]);
      const prospects = rows.slice(0, PROSPECTS_SHOWN);
      const offset = position?.offset ?? 0;
      const last = rows.length > PROSPECTS_SHOWN ? prospects[prospects.length - 1]! : null;
      const next = last && encodeCursor({ id: Number(last.id), score: last.score, offset: offset + prospects.length });
      const nextProspectsHref = next ? `/admin/crawls/${crawl.id}?prospects=${next}#prospects` : null;
      return show(request, reply, crawlTitle(crawl), crawlPage({ crawl, progress, prospects, prospectsOffset: offset, nextProspectsHref }));
    });

    // Cancelling asks first, on a page of its own: a form, so it works without JavaScript.
    pages.get<{ Params: { id: string } }>('/admin/crawls/:id/cancel', async (request, reply) => {
      const crawl = await ops.crawl(request.params.id);
      const ended = LIVE_CRAWL_STATUSES.includes(crawl.status) ? null : crawlFinished(crawl);
      return show(request, reply, `Cancel ${crawlTitle(crawl).toLowerCase()}?`, cancelCrawlPage(crawl, ended?.message ?? null), ended?.statusCode);
    });

    pages.post<{ Params: { id: string } }>('/admin/crawls/:id/cancel', async (request, reply) => {
      if (field(request.body, 'confirm') !== 'yes') return reply.redirect(`/admin/crawls/${encodeURIComponent(request.params.id)}/cancel`, 303);
      try {
        const crawl = await ops.cancelCrawl(request.admin, request.params.id);
        return done(reply, `/admin/crawls/${crawl.id}`, `Crawl ${crawl.id.slice(0, 8)} of ${crawl.accountName} is ${crawl.status}.`);
      } catch (error) {
        // Ended between the question and the answer (or cancelled in another tab): say so, beside the way back.
        if (!(error instanceof AppError) || error.code !== 'crawl_finished') throw error;
        const crawl = await ops.crawl(request.params.id);
        return show(request, reply, `Cancel ${crawlTitle(crawl).toLowerCase()}?`, cancelCrawlPage(crawl, error.message), error.statusCode);
      }
    });

    pages.get<{ Querystring: { account?: string; cursor?: string } }>('/admin/watches', async (request, reply) => {
      const { account, cursor } = request.query;
      const before = cursor ? decodeCursor(cursor, isCreatedCursor) : undefined;
      const page = await ops.watches({ limit: PAGE_SIZE, accountId: account || undefined, before });
      const query = new URLSearchParams(account ? { account } : {});
      const nextHref = page.next ? `/admin/watches?${query}${query.size ? '&' : ''}cursor=${encodeCursor(page.next)}` : null;
      return show(request, reply, 'Watches', watchesPage({ watches: page.items, nextHref }));
    });

    pages.get('/admin/accounts', async (request, reply) => show(request, reply, 'Accounts', accountsPage(await ops.accounts())));

    pages.post('/admin/accounts', async (request, reply) => {
      const name = nameOf(request.body, 'an account');
      const account = await ops.createAccount(request.admin, name);
      return done(reply, `/admin/accounts/${account.id}`, `Account ${name} created.`);
    });

    pages.get<{ Params: { id: string } }>('/admin/accounts/:id', async (request, reply) => {
      const [account, keys] = await Promise.all([ops.account(request.params.id), ops.apiKeys(request.params.id)]);
      return show(request, reply, `Account ${account.name}`, accountPage({ account, keys }));
    });

    pages.post<{ Params: { id: string } }>('/admin/accounts/:id/api-keys', async (request, reply) => {
      const name = nameOf(request.body, 'a key');
      if (!isUuid(request.params.id)) throw badRequest('invalid_account', 'no such account');
      const issued = await ops.issueApiKey(request.admin, name, request.params.id);
      // Rendered at once rather than redirected: the key is never stored, so this page is the only time it is seen.
      const [account, keys] = await Promise.all([ops.account(issued.accountId), ops.apiKeys(issued.accountId)]);
      reply.header('cache-control', 'no-store');
      return show(request, reply, `Account ${account.name}`, accountPage({ account, keys, issuedKey: issued.key }));
    });

    pages.post<{ Params: { id: string } }>('/admin/api-keys/:id/revoke', async (request, reply) => {
      const revoked = await ops.revokeApiKey(request.admin, request.params.id);
      return done(reply, `/admin/accounts/${revoked.accountId}`, `Key ${revoked.name} (${revoked.keyPrefix}…) revoked.`);
    });

    pages.get('/admin/hosts', async (request, reply) => show(request, reply, 'Hosts', hostsPage(await ops.hosts())));

    pages.get('/admin/webhooks', async (request, reply) =>
      show(request, reply, 'Failing and disabled webhook endpoints', webhooksPage(await ops.webhookEndpoints())));

    pages.get<{ Querystring: Record<string, unknown> }>('/admin/audit', async (request, reply) => {
      const { cursor } = request.query;
      // Only the filters, each as one text (a repeated parameter is not one), are read and passed on to the next page.
      const fields: AuditFilterFields = Object.fromEntries(AUDIT_FILTERS.flatMap((name) => {
        const value = request.query[name];
        return typeof value === 'string' && value.trim() ? [[name, value.trim()]] : [];
      }));
      const beforeId = typeof cursor === 'string' && cursor ? decodeCursor(cursor, isIdCursor).id : undefined;
      const rows = await ops.auditLog({ ...auditFilterOf(fields), limit: PAGE_SIZE + 1, beforeId });
      const entries = rows.slice(0, PAGE_SIZE);
      const next = new URLSearchParams({ ...fields, cursor: encodeCursor({ id: entries[entries.length - 1]?.id ?? 0 }) });
      return show(request, reply, 'Audit log', auditPage({ entries, filter: fields, nextHref: rows.length > PAGE_SIZE ? `/admin/audit?${next}` : null }));
    });
  });

  // Any other /admin page: the admin's own 404, signed in like its pages, with the way back.
  await app.register(async (unknown) => {
    unknown.addHook('onRequest', async (request, reply) => {
      if (!JSON_PATHS.test(request.url)) return pageSession(request, reply);
    });
    unknown.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!;
      if (JSON_PATHS.test(path)) return reply.status(404).send({ code: 'not_found', message: `no route ${request.method} ${path}` });
      return show(request, reply, 'Page not found', notFoundBody(html`There is no admin page at <code>${readablePath(path)}</code>.`), 404);
    });
  }, { prefix: '/admin' });
}
