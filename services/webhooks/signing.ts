import { createHmac, randomBytes, randomUUID } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret in the Standard Webhooks form: whsec_ and 24 random bytes in base64. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/** A new event id; it stays the same across every retry of the event. */
export const newEventId = (): string => `msg_${randomUUID().replace(/-/g, '')}`;

/**
 * The webhook-signature header (Standard Webhooks): `v1,` and the base64 HMAC-SHA256 of
 * `${id}.${timestamp}.${body}` under each secret's key bytes, space separated. During a rotation
 * both the new and the old secret sign, so receivers can switch over without missing a call.
 */
export function webhookSignature(secrets: string[], id: string, timestampSeconds: number, body: string): string {
  const content = `${id}.${timestampSeconds}.${body}`;
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
      return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
    })
    .join(' ');
}
