import type { Runtime } from '../runtime.js';
import type { AdminActor } from './session.js';
import { isUuid } from '../ids.js';
import { badRequest, crawlFinished, notFound } from '../errors.js';
import { generateApiKey } from '../web/keys.js';
import { withTransaction } from '../store/db.js';
import { listAudit, recordAudit, type AuditEntry, type AuditFilter } from '../store/audit.js';
import { crawlActivity } from '../store/crawl-activity.js';
import { crawlProgress, type CrawlProgress } from '../store/crawl-progress.js';
import { listProspects, type Prospect, type ProspectCursor } from '../store/prospects.js';
import { cancelCrawl, findCrawl, listCrawls, type Crawl } from '../store/crawls.js';
import { LIVE_CRAWL_STATUSES, type CrawlStatus } from '../crawl/settings.js';
import { listTroubledEndpoints, type TroubledEndpoint } from '../store/webhooks.js';
import { lastRuns, listWatches, type Watch, type WatchRun } from '../store/watches.js';
import { presentSchedule } from '../crawl/schedule.js';
import {
  accountExists, createAccount, insertAccount, insertApiKey, listAccounts, listApiKeys, revokeApiKey, type AccountSummary,
} from '../store/accounts.js';
import { cleanQueue, queueNamed, retryFailed, summarizeQueue } from './queue-control.js';
import { readiness } from '../readiness.js';

export interface AdminCrawl extends Omit<Crawl, 'cursorKey'> {
  accountName: string;
  rate: { pagesPerSecond: number; linksPerSecond: number; over: 'last_minute' | 'whole_run' };
  verdicts: { verdict: string; reason: string | null; count: number }[];
  pageErrors: { outcome: string; count: number }[];
}

export interface AdminWatch extends Omit<Watch, 'cursorKey' | 'settings' | 'schedule'> {
  accountName: string;
  crawl: Watch['settings'];
  schedule: ReturnType<typeof presentSchedule>;
  /** The next slot of its job scheduler: null while paused, or when Redis cannot say. */
  nextRunAt: Date | null;
  lastRun: WatchRun | null;
}

export interface AccountUsage extends AccountSummary {
  /** Requests made with the account's keys in the current rate-limit minute. */
  requestsThisMinute: number;
}

/**
 * Everything the ops admin reads and does, shared by its pages and /admin/api. Every action writes
 * an audit entry naming who did it; reads are not audited.
 */
export function createAdminOperations(runtime: Runtime) {
  const { db, queues, redis, config } = runtime;
  const audit = (who: AdminActor, action: string, target: string | null, detail: Record<string, unknown> = {}) =>
    recordAudit(db, { actor: who.actor, ip: who.ip, action, target, detail });

  async function accountNames(ids: string[]): Promise<Map<string, string>> {
    const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM accounts WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  async function presentCrawls(crawls: Crawl[]): Promise<AdminCrawl[]> {
    const ids = crawls.map((crawl) => crawl.id);
    const [activity, names] = await Promise.all([crawlActivity(db, ids), accountNames([...new Set(crawls.map((c) => c.accountId))])]);
    return crawls.map(({ cursorKey: _cursorKey, ...crawl }) => ({
      ...crawl,
      accountName: names.get(crawl.accountId) ?? '',
      ...(activity.get(crawl.id) ?? { rate: { pagesPerSecond: 0, linksPerSecond: 0, over: 'whole_run' as const }, verdicts: [], pageErrors: [] }),
    }));
  }

  async function presentWatches(watches: Watch[]): Promise<AdminWatch[]> {
    const [names, last] = await Promise.all([accountNames([...new Set(watches.map((watch) => watch.accountId))]), lastRuns(db, watches.map((watch) => watch.id))]);
    return Promise.all(watches.map(async ({ cursorKey: _cursorKey, settings, schedule, ...watch }) => {
      const nextRunAt = watch.paused ? null : await queues.nextRunOf(watch.id).catch(() => null);
      return {
        ...watch, accountName: names.get(watch.accountId) ?? '', crawl: settings, schedule: presentSchedule(schedule), nextRunAt, lastRun: last.get(watch.id) ?? null,
      };
    }));
  }

  async function requestsThisMinute(accountIds: string[]): Promise<number[]> {
    if (accountIds.length === 0) return [];
    const window = Math.floor(Date.now() / 60_000);
    const counts = await redis.mget(...accountIds.map((id) => `${config.queuePrefix}:rate:${id}:${window}`));
    return counts.map((count) => Number(count ?? 0));
  }

  const queueSummaries = () => Promise.all(queues.all.map(summarizeQueue));

  return {
    audit,

    async fleet() {
      const [state, summaries] = await Promise.all([readiness(runtime), queueSummaries()]);
      return { readiness: state, queues: summaries };
    },

    queues: queueSummaries,

    async pauseQueue(who: AdminActor, name: string) {
      const queue = queueNamed(queues, name);
      await queue.pause();
      await audit(who, 'queue.pause', name);
      return summarizeQueue(queue);
    },

    async resumeQueue(who: AdminActor, name: string) {
      const queue = queueNamed(queues, name);
      await queue.resume();
      await audit(who, 'queue.resume', name);
      return summarizeQueue(queue);
    },

    async retryFailedJobs(who: AdminActor, name: string) {
      const queue = queueNamed(queues, name);
      const retried = await retryFailed(queue);
      await audit(who, 'queue.retry_failed', name, { retried });
      return { retried, queue: await summarizeQueue(queue) };
    },

    async cleanQueue(who: AdminActor, name: string, state: string, graceSeconds: number) {
      const queue = queueNamed(queues, name);
      const removed = await cleanQueue(queue, state, graceSeconds);
      await audit(who, 'queue.clean', name, { state, graceSeconds, removed });
      return { removed, queue: await summarizeQueue(queue) };
    },

    async crawls(page: { limit: number; before?: { createdAt: string; id: string }; status?: CrawlStatus; accountId?: string }) {
      if (page.accountId !== undefined && !isUuid(page.accountId)) throw badRequest('invalid_account', 'accountId must be an account id (a uuid)');
      const owner = page.accountId ? { accountId: page.accountId } : 'any' as const;
      const rows = await listCrawls(db, owner, { ...page, limit: page.limit + 1 });
      const items = rows.slice(0, page.limit);
      const last = rows.length > page.limit ? items[items.length - 1]! : null;
      return { items: await presentCrawls(items), next: last ? { createdAt: last.cursorKey, id: last.id } : null };
    },

    async crawl(id: string): Promise<AdminCrawl> {
      const crawl = isUuid(id) ? await findCrawl(db, 'any', id) : null;
      if (!crawl) throw notFound('crawl');
      return (await presentCrawls([crawl]))[0]!;
    },

    /** Its pages fetched and links checked over time, for the crawl's page. */
    crawlProgress: (id: string): Promise<CrawlProgress | null> => (isUuid(id) ? crawlProgress(db, id) : Promise.resolve(null)),

    /** Its prospects, highest score first, a page at a time. */
    crawlProspects: (crawl: Pick<Crawl, 'id' | 'accountId'>, page: { limit: number; after?: ProspectCursor }): Promise<Prospect[]> =>
      listProspects(db, crawl.accountId, { filter: { crawlId: crawl.id }, sort: 'score', after: page.after, limit: page.limit }),

    async cancelCrawl(who: AdminActor, id: string): Promise<AdminCrawl> {
      const before = await this.crawl(id);
      if (!LIVE_CRAWL_STATUSES.includes(before.status)) throw crawlFinished(before);
      await cancelCrawl(db, 'any', id);
      const after = await this.crawl(id);
      await audit(who, 'crawl.cancel', id, { account: before.accountName, from: before.status, to: after.status });
      return after;
    },

    async watches(page: { limit: number; before?: { createdAt: string; id: string }; accountId?: string }) {
      if (page.accountId !== undefined && !isUuid(page.accountId)) throw badRequest('invalid_account', 'accountId must be an account id (a uuid)');
      const owner = page.accountId ? { accountId: page.accountId } : 'any' as const;
      const rows = await listWatches(db, owner, { limit: page.limit + 1, before: page.before });
      const items = rows.slice(0, page.limit);
      const last = rows.length > page.limit ? items[items.length - 1]! : null;
      return { items: await presentWatches(items), next: last ? { createdAt: last.cursorKey, id: last.id } : null };
    },

    async accounts(only?: string): Promise<AccountUsage[]> {
      const accounts = await listAccounts(db, only);
      const requests = await requestsThisMinute(accounts.map((account) => account.id));
      return accounts.map((account, index) => ({ ...account, requestsThisMinute: requests[index]! }));
    },

    async account(id: string): Promise<AccountUsage> {
      const [account] = isUuid(id) ? await this.accounts(id) : [];
      if (!account) throw notFound('account');
      return account;
    },

    // An action and its audit row commit together: no change is ever made without its entry.
    async createAccount(who: AdminActor, name: string) {
      return withTransaction(db, async (tx) => {
        const account = await insertAccount(tx, name);
        await recordAudit(tx, { actor: who.actor, ip: who.ip, action: 'account.create', target: account.id, detail: { name } });
        return account;
      });
    },

    async apiKeys(accountId: string) {
      if (!isUuid(accountId) || !(await accountExists(db, accountId))) throw notFound('account');
      return listApiKeys(db, accountId);
    },

    /** Issues a key, to the account given or to a new account of the same name. The key is in the answer only. */
    async issueApiKey(who: AdminActor, name: string, accountId?: string) {
      const generated = generateApiKey();
      const record = await withTransaction(db, async (tx) => {
        if (accountId && !(isUuid(accountId) && (await accountExists(tx, accountId)))) throw notFound('account');
        const owner = accountId ?? (await createAccount(tx, name));
        const key = await insertApiKey(tx, { accountId: owner, name, hash: generated.hash, prefix: generated.prefix });
        await recordAudit(tx, {
          actor: who.actor, ip: who.ip, action: 'api_key.issue', target: key.id,
          detail: { name, accountId: owner, keyPrefix: key.keyPrefix, newAccount: !accountId },
        });
        return key;
      });
      return { ...record, key: generated.key };
    },

    async revokeApiKey(who: AdminActor, id: string) {
      return withTransaction(db, async (tx) => {
        const revoked = isUuid(id) ? await revokeApiKey(tx, id) : null;
        if (!revoked) throw notFound('API key');
        await recordAudit(tx, {
          actor: who.actor, ip: who.ip, action: 'api_key.revoke', target: id,
          detail: { name: revoked.name, accountId: revoked.accountId, keyPrefix: revoked.keyPrefix },
        });
        return revoked;
      });
    },

    hosts: (limit?: number) => runtime.hosts.report(limit),

    webhookEndpoints: (state?: TroubledEndpoint['state']) => listTroubledEndpoints(db, state),

    auditLog: (page: AuditFilter): Promise<AuditEntry[]> => listAudit(db, page),
  };
}

export type AdminOperations = ReturnType<typeof createAdminOperations>;
