import type { Queryable } from './db.js';

export interface AuditEntry {
  id: number;
  at: Date;
  /** Who: the name given at the admin login, or the X-Admin-Actor of an /admin/api call. */
  actor: string;
  /** What, as a dotted verb: account.create, api_key.revoke, queue.pause, crawl.cancel, login.failed... */
  action: string;
  /** On what: an id or a queue name; null for actions on nothing in particular (a login). */
  target: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

export type AuditRecord = Pick<AuditEntry, 'actor' | 'action' | 'target' | 'detail' | 'ip'>;

export async function recordAudit(db: Queryable, entry: AuditRecord): Promise<void> {
  await db.query('/* audit.recordAudit */ INSERT INTO admin_audit (actor, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5)', [
    entry.actor, entry.action, entry.target, JSON.stringify(entry.detail), entry.ip,
  ]);
}

/** Which entries of the audit log to read; every filter given must hold. */
export interface AuditFilter {
  limit: number;
  beforeId?: number;
  /** An action (api_key.revoke) or a family of them (api_key). */
  action?: string;
  /** Who did it, exactly as recorded. */
  actor?: string;
  /** On what, exactly: an id or a queue name. */
  target?: string;
  /** At or after this time. */
  since?: Date;
  /** Before this time. */
  until?: Date;
}

/** The audit log, newest first, paged by id. */
export async function listAudit(db: Queryable, page: AuditFilter): Promise<AuditEntry[]> {
  const { rows } = await db.query<AuditEntry>(
    `/* audit.listAudit */ SELECT id, at, actor, action, target, detail, ip FROM admin_audit
     WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR action = $2 OR action LIKE $2 || '.%')
       AND ($4::text IS NULL OR actor = $4) AND ($5::text IS NULL OR target = $5)
       AND ($6::timestamptz IS NULL OR at >= $6) AND ($7::timestamptz IS NULL OR at < $7)
     ORDER BY id DESC LIMIT $3`,
    [page.beforeId ?? null, page.action ?? null, page.limit, page.actor ?? null, page.target ?? null, page.since ?? null, page.until ?? null],
  );
  return rows;
}
