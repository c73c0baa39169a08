import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../deps.js';
import { badRequest, notFound } from '../../errors.js';
import { seedProblem } from '../../crawl/urls.js';
import { withTransaction } from '../../store/db.js';
import {
  deleteEndpoint, findEndpoint, insertEndpoint, listEndpoints, rotateEndpointSecret, updateEndpoint, type WebhookEndpoint,
} from '../../store/webhooks.js';
import { createEvent, listAttempts, resetDelivery } from '../../store/webhook-outbox.js';
import { newWebhookSecret } from '../../webhooks/signing.js';
import { decodeCursor, encodeCursor } from '../../web/cursor.js';
import type { Route } from '../../web/contract.js';

// After a rotation the old secret keeps signing beside the new one this long, so receivers can switch.
const ROTATION_GRACE_MS = 24 * 3_600_000;

export async function webhookRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  const { db, guard, queues } = runtime;

  /** Webhook URLs pass the same address guard as crawling: never private, loopback or metadata. */
  async function checkUrl(url: string): Promise<void> {
    const problem = seedProblem(url);
    if (problem) throw badRequest('invalid_webhook_url', `url '${url.slice(0, 200)}' ${problem}`);
    await guard.assertHostAllowed(new URL(url).hostname).catch((error: { code?: string; message: string }) => {
      if (error.code === 'ERR_BLOCKED_ADDRESS') throw badRequest('webhook_url_blocked', `url ${error.message}`);
      throw badRequest('webhook_url_unresolvable', `url host ${new URL(url).hostname} does not resolve`);
    });
  }
  const endpointOf = async (accountId: string, id: string): Promise<WebhookEndpoint> => {
    const endpoint = await findEndpoint(db, accountId, id);
    if (!endpoint) throw notFound('webhook');
    return endpoint;
  };

  app.post<Route<'createWebhook'>>(
    '/v1/webhooks',
    { schema: openapi.requestSchema('createWebhook') },
    async (request, reply) => {
      const { url, events, description = '' } = request.body;
      await checkUrl(url);
      const secret = newWebhookSecret();
      const endpoint = await insertEndpoint(db, request.accountId, { url, events: [...new Set(events)], description, secret });
      return reply.status(201).send({ ...endpoint, secret });
    },
  );

  app.get('/v1/webhooks', { schema: openapi.requestSchema('listWebhooks') }, async (request) => ({
    items: await listEndpoints(db, request.accountId),
  }));

  app.get<Route<'getWebhook'>>('/v1/webhooks/:id', { schema: openapi.requestSchema('getWebhook') }, async (request) =>
    endpointOf(request.accountId, request.params.id),
  );

  app.patch<Route<'updateWebhook'>>(
    '/v1/webhooks/:id',
    { schema: openapi.requestSchema('updateWebhook') },
    async (request) => {
      await endpointOf(request.accountId, request.params.id);
      if (request.body.url) await checkUrl(request.body.url);
      const events = request.body.events && [...new Set(request.body.events)];
      return (await updateEndpoint(db, request.accountId, request.params.id, { ...request.body, events }))!;
    },
  );

  app.delete<Route<'deleteWebhook'>>('/v1/webhooks/:id', { schema: openapi.requestSchema('deleteWebhook') }, async (request, reply) => {
    if (!(await deleteEndpoint(db, request.accountId, request.params.id))) throw notFound('webhook');
    return reply.status(204).send();
  });

  app.post<Route<'rotateWebhookSecret'>>(
    '/v1/webhooks/:id/rotate-secret',
    { schema: openapi.requestSchema('rotateWebhookSecret') },
    async (request) => {
      const secret = newWebhookSecret();
      const rotated = await rotateEndpointSecret(db, request.accountId, request.params.id, secret, ROTATION_GRACE_MS);
      if (!rotated) throw notFound('webhook');
      return { secret, ...rotated };
    },
  );

  app.post<Route<'pingWebhook'>>('/v1/webhooks/:id/ping', { schema: openapi.requestSchema('pingWebhook') }, async (request, reply) => {
    const endpoint = await endpointOf(request.accountId, request.params.id);
    const deliveries = await withTransaction(db, (tx) =>
      createEvent(tx, { accountId: request.accountId, type: 'webhook.ping', endpointId: endpoint.id, data: { webhookId: endpoint.id } }),
    );
    if (deliveries.length === 0) throw badRequest('webhook_disabled', 'the webhook is disabled: enable it before pinging');
    await queues.enqueueDeliveries(deliveries);
    return reply.status(202).send({ queued: true });
  });

  app.get<Route<'listWebhookDeliveries'>>(
    '/v1/webhooks/:id/deliveries',
    { schema: openapi.requestSchema('listWebhookDeliveries') },
    async (request) => {
      const endpoint = await endpointOf(request.accountId, request.params.id);
      const limit = request.query.limit ?? 50;
      const beforeId = request.query.cursor
        ? decodeCursor(request.query.cursor, (value): value is number => Number.isSafeInteger(value))
        : undefined;
      const rows = await listAttempts(db, endpoint.id, { limit: limit + 1, beforeId });
      const items = rows.slice(0, limit);
      return { items, nextCursor: rows.length > limit ? encodeCursor(Number(items[items.length - 1]!.id)) : null };
    },
  );

  app.post<Route<'redeliverWebhookEvent'>>(
    '/v1/webhooks/:id/events/:eventId/redeliver',
    { schema: openapi.requestSchema('redeliverWebhookEvent') },
    async (request, reply) => {
      const endpoint = await endpointOf(request.accountId, request.params.id);
      const delivery = await resetDelivery(db, endpoint.id, request.params.eventId);
      if (delivery === null) throw notFound('event');
      await queues.enqueueWork([delivery]);
      return reply.status(202).send({ queued: true });
    },
  );
}
