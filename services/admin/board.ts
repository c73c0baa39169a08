import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queues } from '../queues.js';
import type { AdminOperations } from './operations.js';
import { loginPath, type AdminSessions } from './session.js';
import { AppError } from '../errors.js';

export const BOARD_PATH = '/admin/queues';

// Board actions that would lose or forge work (the queues only carry ids of rows PostgreSQL holds), by
// the route they reach: matching the route, not the raw URL, so %-encoding cannot slip past.
const REFUSED_ROUTES = new Set(['add', 'empty', 'obliterate', ':jobId/update-data'].map((action) => `${BOARD_PATH}/api/queues/:queueName/${action}`));
const SETTLED = new Set(['completed', 'failed']);

// bull-board 9 offers a way out only as a misc link, inside the menu behind its header's last icon, and
// its logo leads to its own home. So its page also gets a link of ours, fixed above the sidebar's foot and
// outside the React root the board renders into: there on every board screen, in the board's own tab.
const BACK_TO_ADMIN = `<a href="/admin" id="blb-back-to-admin" style="position:fixed;left:.75rem;bottom:2.5rem;z-index:2147483647;\
background:#1d2b3a;color:#fff;padding:.35rem .75rem;border-radius:4px;font:600 13px/1.4 system-ui,sans-serif;text-decoration:none;\
box-shadow:0 1px 4px rgba(0,0,0,.3)">← blb admin</a>`;

/** The board's page with the link back to the admin before its end; anything else unchanged. */
export function withBackLink(contentType: unknown, payload: unknown): unknown {
  if (typeof payload !== 'string' || !String(contentType).startsWith('text/html') || !payload.includes('</body>')) return payload;
  return payload.replace('</body>', `${BACK_TO_ADMIN}</body>`);
}

/** Why a board request is refused, or null when it may go ahead. */
async function refusal(request: FastifyRequest, queues: Queues): Promise<string | null> {
  if (request.method === 'GET') return null;
  const route = request.routeOptions.url ?? '';
  if (REFUSED_ROUTES.has(route)) return 'adding, editing, emptying and obliterating jobs is not allowed here';
  const params = request.params as { queueName?: string; queueStatus?: string; jobId?: string };
  if (route.endsWith('/clean/:queueStatus') && !SETTLED.has(params.queueStatus ?? '')) {
    return 'only completed and failed jobs can be cleaned; waiting and delayed jobs are work not yet done';
  }
  if (route.endsWith('/:jobId/clean')) {
    const job = await queues.all.find((queue) => queue.name === params.queueName)?.getJob(params.jobId ?? '');
    if (job && !SETTLED.has(await job.getState())) return 'only a completed or failed job can be removed; this one is work not yet done';
  }
  return null;
}

/** What a board request did, for the audit log: `queue.pause` on `checks`, `job.retry` on `pages/page-12`... */
export function boardAction(method: string, path: string): { action: string; target: string | null; detail: Record<string, unknown> } {
  const parts = path.replace(/^.*\/api\/queues\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 1) return { action: `queue.${parts[0]}_all`, target: null, detail: {} };
  const [queue, second, third] = parts;
  if (second === 'retry' || second === 'clean') return { action: `queue.${second}`, target: queue!, detail: { state: third } };
  if (parts.length === 2) return { action: `queue.${second}`, target: queue!, detail: {} };
  if (parts.length === 3) return { action: `job.${third}`, target: `${queue}/${second}`, detail: {} };
  return { action: 'queue.board', target: queue ?? null, detail: { method, path } };
}

/**
 * bull-board at /admin/queues: every queue's counts, jobs and their errors; retry, pause, resume and
 * clean. Behind the admin session like every admin page; each change it makes is audited.
 */
export async function boardRoutes(app: FastifyInstance, deps: { queues: Queues; operations: AdminOperations; sessions: AdminSessions }) {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: deps.queues.all.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'blb queues', miscLinks: [{ text: 'Back to the admin', url: '/admin' }] } },
  });

  await app.register(async (board) => {
    // bull-board installs its own error handler in its scope, so refusals are answered here directly.
    // Authentication runs before the body is read; the refusals need the route's parameters.
    board.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const api = request.url.startsWith(`${BOARD_PATH}/api/`);
      try {
        request.admin = await deps.sessions.authenticate(request, reply);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (!api && error.statusCode === 401) return reply.redirect(loginPath(request.url), 303);
        return reply.status(error.statusCode).send({ code: error.code, message: error.message });
      }
    });
    board.addHook('preHandler', async (request, reply) => {
      const why = await refusal(request, deps.queues);
      if (why) return reply.status(403).send({ code: 'board_action_refused', message: why });
    });
    // onSend: the entry is written before the operator sees the action succeed.
    board.addHook('onSend', async (request, reply, payload) => {
      if (request.method === 'GET') return withBackLink(reply.getHeader('content-type'), payload);
      if (!request.admin || reply.statusCode >= 400) return payload;
      const { action, target, detail } = boardAction(request.method, request.url.split('?')[0]!);
      await deps.operations.audit(request.admin, action, target, { ...detail, via: 'queue board' }).catch((error) => {
        request.log.error({ err: error, action }, 'could not write the audit entry of a board action');
      });
      return payload;
    });
    await board.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
  });
}
