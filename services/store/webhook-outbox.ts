import type { Queryable } from './db.js';
import { newEventId } from '../webhooks/signing.js';
import { listProspects } from './prospects.js';
import type { WorkItem } from './work-items.js';

/**
 * Writes an event and one delivery for each enabled endpoint of the account that subscribes to its
 * type (or only `endpointId`, for a ping). Call it inside the transaction that makes the event true.
 * No subscriber: no event. Returns the delivery ids to enqueue after commit.
 */
export async function createEvent(
  db: Queryable,
  event: { accountId: string; type: string; crawlId?: string | null; data: unknown; endpointId?: string },
): Promise<number[]> {
  const { rows: endpoints } = await db.query<{ id: string }>(
    `/* webhook-outbox.createEvent */ SELECT id FROM webhook_endpoints WHERE account_id = $1 AND enabled
       AND ($3::uuid IS NOT NULL AND id = $3 OR $3::uuid IS NULL AND $2 = ANY(events))`,
    [event.accountId, event.type, event.endpointId ?? null],
  );
  if (endpoints.length === 0) return [];
  const id = newEventId();
  const body = JSON.stringify({ type: event.type, timestamp: new Date().toISOString(), data: event.data });
  await db.query('/* webhook-outbox.createEvent */ INSERT INTO webhook_events (id, account_id, type, crawl_id, body) VALUES ($1, $2, $3, $4, $5)', [
    id, event.accountId, event.type, event.crawlId ?? null, body,
  ]);
  const { rows } = await db.query<{ id: number }>(
    `/* webhook-outbox.createEvent */ INSERT INTO webhook_deliveries (event_id, endpoint_id) SELECT $1, unnest($2::uuid[]) RETURNING id`,
    [id, endpoints.map((endpoint) => endpoint.id)],
  );
  return rows.map((row) => row.id);
}

/**
 * Turns up to batchSize of a crawl's new-prospect notifications into one prospects.found event with the
 * full records. Unless `force`, a crawl gets at most one such event per interval: the batcher of every
 * worker process may call this, and a transaction-scoped advisory lock lets one of them at a time decide.
 * Returns the deliveries to enqueue, or null when there was nothing to send now.
 */
export async function batchProspectsFound(
  db: Queryable,
  crawlId: string,
  options: { batchSize: number; intervalMs: number; force: boolean },
): Promise<number[] | null> {
  // Forced (the crawl has ended): wait for the lock. A batcher holding it at that moment would otherwise
  // make the ending transaction skip the last notifications, and they would go out after crawl.completed.
  const { rows: locked } = await db.query<{ ok: boolean }>(
    options.force
      ? '/* webhook-outbox.batchProspectsFound */ SELECT pg_advisory_xact_lock(hashtext($1)) IS NOT NULL AS ok'
      : '/* webhook-outbox.batchProspectsFound */ SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok',
    [crawlId],
  );
  if (!locked[0]?.ok) return null;
  if (!options.force) {
    const { rows } = await db.query(
      `/* webhook-outbox.batchProspectsFound */ SELECT 1 FROM webhook_events WHERE crawl_id = $1 AND type = 'prospects.found'
       AND created_at > now() - make_interval(secs => $2)`,
      [crawlId, options.intervalMs / 1000],
    );
    if (rows.length > 0) return null;
  }
  const { rows: pending } = await db.query<{ prospect_id: number; account_id: string }>(
    `/* webhook-outbox.batchProspectsFound */ DELETE FROM prospect_notifications WHERE prospect_id IN (
       SELECT prospect_id FROM prospect_notifications WHERE crawl_id = $1 ORDER BY prospect_id LIMIT $2)
     RETURNING prospect_id, account_id`,
    [crawlId, options.batchSize],
  );
  if (pending.length === 0) return null;
  const accountId = pending[0]!.account_id;
  const prospects = await listProspects(db, accountId, {
    filter: { prospectIds: pending.map((row) => row.prospect_id) }, sort: 'firstSeen', limit: pending.length,
  });
  return createEvent(db, { accountId, type: 'prospects.found', crawlId, data: { crawlId, count: prospects.length, prospects } });
}

/** Crawls with new prospects not yet announced, and whether each is still running. */
export async function crawlsWithNotifications(db: Queryable): Promise<{ crawlId: string; running: boolean }[]> {
  const { rows } = await db.query(
    `/* webhook-outbox.crawlsWithNotifications */ SELECT n.crawl_id AS "crawlId", c.status IN ('queued', 'running') AS running
     FROM (SELECT DISTINCT crawl_id FROM prospect_notifications) n JOIN crawls c ON c.id = n.crawl_id LIMIT 1000`,
  );
  return rows;
}

export interface DeliveryWork {
  deliveryId: number;
  state: string;
  attempts: number;
  eventId: string;
  eventType: string;
  /**
   * What this endpoint must get first, still pending: for crawl.completed / crawl.failed, the crawl's
   * prospects.found and prospect.resolved; for watch.run.completed, every other event of its crawl.
   */
  pendingBefore: number;
  body: string;
  endpointId: string;
  url: string;
  enabled: boolean;
  /** The current secret, and the previous one while it is still valid. */
  secrets: string[];
}

export async function deliveryForWork(db: Queryable, deliveryId: number): Promise<DeliveryWork | null> {
  const { rows } = await db.query<DeliveryWork>(
    `/* webhook-outbox.deliveryForWork */ SELECT d.id AS "deliveryId", d.state, d.attempts, e.id AS "eventId", e.type AS "eventType", e.body,
       w.id AS "endpointId", w.url, w.enabled,
       (SELECT count(*) FROM webhook_deliveries pd JOIN webhook_events pe ON pe.id = pd.event_id
         WHERE pd.endpoint_id = d.endpoint_id AND pd.state = 'pending' AND pe.crawl_id = e.crawl_id AND pe.id <> e.id
           AND (e.type IN ('crawl.completed', 'crawl.failed') AND pe.type IN ('prospects.found', 'prospect.resolved')
             OR e.type = 'watch.run.completed' AND pe.type <> 'watch.run.completed')) AS "pendingBefore",
       array_remove(ARRAY[w.secret, CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END], NULL) AS secrets
     FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
     WHERE d.id = $1`,
    [deliveryId],
  );
  return rows[0] ?? null;
}

/** Logs one attempt and moves the delivery on: still pending (a retry is due), succeeded or failed. */
export async function recordAttempt(
  db: Queryable,
  deliveryId: number,
  attempt: { number: number; statusCode: number | null; error: string | null; durationMs: number; excerpt: string },
  state: 'pending' | 'succeeded' | 'failed',
): Promise<void> {
  await db.query(
    `/* webhook-outbox.recordAttempt */ WITH logged AS (
       INSERT INTO webhook_attempts (delivery_id, attempt, status_code, error, duration_ms, response_excerpt)
       VALUES ($1, $2, $3, $4, $5, $6))
     UPDATE webhook_deliveries SET attempts = $2, state = $7, updated_at = now() WHERE id = $1`,
    [deliveryId, attempt.number, attempt.statusCode, attempt.error, attempt.durationMs, attempt.excerpt, state],
  );
}

/** An endpoint's delivery log, newest attempt first, paged by attempt id. */
export async function listAttempts(
  db: Queryable,
  endpointId: string,
  page: { limit: number; beforeId?: number },
): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query(
    `/* webhook-outbox.listAttempts */ SELECT a.id::text AS id, d.id::text AS "deliveryId", e.id AS "eventId", e.type AS "eventType", a.attempt,
       a.at, a.status_code AS "statusCode", a.error, a.duration_ms AS "durationMs", a.response_excerpt AS "responseExcerpt",
       d.state AS "deliveryState"
     FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN webhook_events e ON e.id = d.event_id
     WHERE d.endpoint_id = $1 AND ($2::bigint IS NULL OR a.id < $2)
     ORDER BY a.id DESC LIMIT $3`,
    [endpointId, page.beforeId ?? null, page.limit],
  );
  return rows;
}

/**
 * Sends an event to an endpoint again from the start, as a new generation of its delivery (a new job,
 * whatever became of the last one); null when the endpoint never had the event.
 */
export async function resetDelivery(db: Queryable, endpointId: string, eventId: string): Promise<WorkItem | null> {
  const { rows } = await db.query<{ id: number; requeues: number }>(
    `/* webhook-outbox.resetDelivery */ UPDATE webhook_deliveries SET state = 'pending', attempts = 0, updated_at = now(), worked_at = now(), requeues = requeues + 1
     WHERE endpoint_id = $1 AND event_id = $2 RETURNING id, requeues`,
    [endpointId, eventId],
  );
  const row = rows[0];
  return row ? { kind: 'delivery', id: row.id, crawlId: null, requeues: row.requeues } : null;
}

