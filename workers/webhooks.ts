import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { Metrics } from '../services/metrics.js';
import type { DeliveryJob } from '../services/queues.js';
import { webhookSignature } from '../services/webhooks/signing.js';
import { disableEndpoint } from '../services/store/webhooks.js';
import { deliveryForWork, recordAttempt } from '../services/store/webhook-outbox.js';
import { postpone } from './job-control.js';

/** What delivering an event needs: the database, the outbound client, the retry schedule; metrics and logs. */
export type DeliveryDeps = Pick<Runtime, 'db' | 'http' | 'logger'> & { metrics: Pick<Metrics, 'count'>; config: Pick<Config, 'webhooks'> };

const EXCERPT_BYTES = 1024;
const HOLD_FINAL_EVENT_MS = 500;
const hours = (ms: number) => Math.round(ms / 360_000) / 10;

/**
 * Delivers one event to one endpoint, signed per Standard Webhooks (webhook-id, webhook-timestamp,
 * webhook-signature over id.timestamp.body). Only a 2xx counts; a 3xx is not followed. Failures are
 * retried on the schedule by postponing the job (no worker waits); a 410, or a schedule run out,
 * disables the endpoint with the reason. The URL passes the address guard at every attempt.
 */
export function createDeliveryProcessor(runtime: DeliveryDeps) {
  const { db, http, config } = runtime;
  const schedule = config.webhooks.retrySchedule;

  return async function processDelivery(job: Job<DeliveryJob>, token?: string): Promise<void> {
    const work = await deliveryForWork(db, job.data.deliveryId);
    if (!work || work.state !== 'pending') return;
    // A crawl's last word comes last: hold it until its prospects.found deliveries to this endpoint settle.
    if (work.pendingBefore > 0) return await postpone(job, token, HOLD_FINAL_EVENT_MS);
    const attempt = work.attempts + 1;
    if (!work.enabled) {
      return recordAttempt(db, work.deliveryId, { number: attempt, statusCode: null, error: 'endpoint disabled', durationMs: 0, excerpt: '' }, 'failed');
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await http.fetch({
      url: work.url,
      method: 'POST',
      body: work.body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': work.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': webhookSignature(work.secrets, work.eventId, timestamp, work.body),
      },
      followRedirects: false,
      timeoutMs: config.webhooks.timeoutMs,
      readBody: () => true,
      maxBytes: EXCERPT_BYTES,
    });
    const outcome = {
      number: attempt,
      statusCode: result.ok ? result.status : null,
      error: result.ok ? null : `${result.error}: ${result.message}`,
      durationMs: result.elapsedMs,
      excerpt: result.ok ? (result.body ?? '').slice(0, EXCERPT_BYTES) : '',
    };
    const log = runtime.logger.child({ jobId: job.id, deliveryId: work.deliveryId, eventId: work.eventId, attempt });

    if (result.ok && result.status >= 200 && result.status < 300) {
      log.debug('webhook delivered');
      runtime.metrics.count('webhook_deliveries', { outcome: 'succeeded' });
      return recordAttempt(db, work.deliveryId, outcome, 'succeeded');
    }
    if (result.ok && result.status === 410) {
      await recordAttempt(db, work.deliveryId, outcome, 'failed');
      runtime.metrics.count('webhook_deliveries', { outcome: 'disabled' });
      log.warn('endpoint answered 410: disabled');
      return disableEndpoint(db, work.endpointId, 'the endpoint answered 410 Gone');
    }
    if (attempt > schedule.length) {
      await recordAttempt(db, work.deliveryId, outcome, 'failed');
      runtime.metrics.count('webhook_deliveries', { outcome: 'failed' });
      const last = outcome.error ?? `HTTP ${outcome.statusCode}`;
      log.warn({ last }, 'webhook deliveries kept failing: endpoint disabled');
      const total = schedule.reduce((sum, wait) => sum + wait, 0);
      return disableEndpoint(db, work.endpointId, `deliveries failed for ${hours(total)} hours (${attempt} attempts); last: ${last}`);
    }
    await recordAttempt(db, work.deliveryId, outcome, 'pending');
    runtime.metrics.count('webhook_deliveries', { outcome: 'retrying' });
    // ±20 % jitter, so that an endpoint back from an outage is not hit by every retry at once.
    return await postpone(job, token, schedule[attempt - 1]! * (0.8 + 0.4 * Math.random()));
  };
}
