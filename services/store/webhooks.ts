import type { Queryable } from './db.js';
import { isUuid } from '../ids.js';

export const WEBHOOK_EVENT_TYPES = [
  'prospects.found', 'crawl.completed', 'crawl.failed', 'prospect.rechecked', 'prospect.resolved', 'watch.run.completed', 'link.changed', 'link.lost',
] as const;

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, url, description, events, enabled, disabled_reason AS "disabledReason", disabled_at AS "disabledAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function insertEndpoint(
  db: Queryable,
  accountId: string,
  endpoint: { url: string; events: string[]; description: string; secret: string },
): Promise<WebhookEndpoint> {
  const { rows } = await db.query(
    `/* webhooks.insertEndpoint */ INSERT INTO webhook_endpoints (account_id, url, events, description, secret) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${COLUMNS}`,
    [accountId, endpoint.url, endpoint.events, endpoint.description, endpoint.secret],
  );
  return rows[0];
}

export async function listEndpoints(db: Queryable, accountId: string): Promise<WebhookEndpoint[]> {
  const { rows } = await db.query(`/* webhooks.listEndpoints */ SELECT ${COLUMNS} FROM webhook_endpoints WHERE account_id = $1 ORDER BY created_at, id`, [accountId]);
  return rows;
}

/** One of the account's endpoints; null for another account's or a malformed id. */
export async function findEndpoint(db: Queryable, accountId: string, id: string): Promise<WebhookEndpoint | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query(`/* webhooks.findEndpoint */ SELECT ${COLUMNS} FROM webhook_endpoints WHERE account_id = $1 AND id = $2`, [accountId, id]);
  return rows[0] ?? null;
}

/** Changes what is given; enabling again clears why it was disabled. */
export async function updateEndpoint(
  db: Queryable,
  accountId: string,
  id: string,
  change: { url?: string; events?: string[]; description?: string; enabled?: boolean },
): Promise<WebhookEndpoint | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query(
    `/* webhooks.updateEndpoint */ UPDATE webhook_endpoints SET url = coalesce($3, url), events = coalesce($4, events),
       description = coalesce($5, description), enabled = coalesce($6, enabled),
       disabled_reason = CASE WHEN $6 THEN NULL ELSE disabled_reason END,
       disabled_at = CASE WHEN $6 THEN NULL ELSE disabled_at END, updated_at = now()
     WHERE account_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [accountId, id, change.url ?? null, change.events ?? null, change.description ?? null, change.enabled ?? null],
  );
  return rows[0] ?? null;
}

export async function deleteEndpoint(db: Queryable, accountId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const { rowCount } = await db.query('/* webhooks.deleteEndpoint */ DELETE FROM webhook_endpoints WHERE account_id = $1 AND id = $2', [accountId, id]);
  return rowCount === 1;
}

/** A new secret; the old one keeps signing beside it for graceMs. */
export async function rotateEndpointSecret(
  db: Queryable,
  accountId: string,
  id: string,
  secret: string,
  graceMs: number,
): Promise<{ previousSecretValidUntil: Date } | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query(
    `/* webhooks.rotateEndpointSecret */ UPDATE webhook_endpoints SET previous_secret = secret, secret = $3,
       previous_secret_until = now() + make_interval(secs => $4), updated_at = now()
     WHERE account_id = $1 AND id = $2 RETURNING previous_secret_until AS "previousSecretValidUntil"`,
    [accountId, id, secret, graceMs / 1000],
  );
  return rows[0] ?? null;
}

/** Stops deliveries to an endpoint, saying why (the account sees the reason). */
export async function disableEndpoint(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query(
    `/* webhooks.disableEndpoint */ UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
     WHERE id = $1 AND enabled`,
    [id, reason],
  );
}

export interface TroubledEndpoint {
  id: string;
  accountId: string;
  accountName: string;
  url: string;
  state: 'disabled' | 'failing';
  disabledReason: string | null;
  disabledAt: Date | null;
  /** Deliveries still being retried after at least one failed attempt. */
  retryingDeliveries: number;
  /** Deliveries given up in the last 24 hours. */
  failedDeliveriesLastDay: number;
  lastAttempt: { at: string; statusCode: number | null; error: string | null } | null;
}

/** Endpoints of every account that are disabled, or whose deliveries are failing now or failed in the last day. */
export async function listTroubledEndpoints(db: Queryable, state?: TroubledEndpoint['state']): Promise<TroubledEndpoint[]> {
  const { rows } = await db.query<TroubledEndpoint>(
    `/* webhooks.listTroubledEndpoints */ SELECT * FROM (
       SELECT w.id, w.account_id AS "accountId", a.name AS "accountName", w.url,
         CASE WHEN w.enabled THEN 'failing' ELSE 'disabled' END AS state,
         w.disabled_reason AS "disabledReason", w.disabled_at AS "disabledAt",
         (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.state = 'pending' AND d.attempts > 0)
           AS "retryingDeliveries",
         (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.state = 'failed'
            AND d.updated_at > now() - interval '1 day') AS "failedDeliveriesLastDay",
         (SELECT json_build_object('at', x.at, 'statusCode', x.status_code, 'error', x.error)
            FROM webhook_deliveries d JOIN webhook_attempts x ON x.delivery_id = d.id
            WHERE d.endpoint_id = w.id ORDER BY x.at DESC, x.id DESC LIMIT 1) AS "lastAttempt"
       FROM webhook_endpoints w JOIN accounts a ON a.id = w.account_id
     ) e
     WHERE (e.state = 'disabled' OR e."retryingDeliveries" > 0 OR e."failedDeliveriesLastDay" > 0)
       AND ($1::text IS NULL OR e.state = $1)
     ORDER BY e.state, e."disabledAt" DESC NULLS LAST, e."accountName", e.url`,
    [state ?? null],
  );
  return rows;
}
