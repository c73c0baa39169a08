import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../errors.js';
import { isUuid } from '../ids.js';

// 16 bytes of HMAC-SHA256: forging one is 2^128 guesses, and the cursor stays short (openapi.yaml caps it at 200).
const SIGNATURE_BYTES = 16;
const NOT_OURS = 'cursor is not one this service issued: pass nextCursor from the previous page unchanged';
const NOT_THIS_LIST =
  'cursor was issued for another list or sort order: pass nextCursor with the same path, filters and sort as the page it came from';

let signingKey: Buffer | null = null;

/**
 * Sets the key every cursor is signed with (config.cursorSecret, the same in every API process of a
 * deployment). The process's one app sets it while it is built, before any route runs; the functions
 * below stay free of parameters so that every route calls them the same way.
 */
export function useCursorSecret(secret: string): void {
  signingKey = Buffer.from(secret);
}

function signatureOf(payload: string): Buffer {
  if (!signingKey) throw new Error('cursor key not set: useCursorSecret(config.cursorSecret) must run while the app is built');
  return createHmac('sha256', signingKey).update(`blb cursor\n${payload}`).digest().subarray(0, SIGNATURE_BYTES);
}

/**
 * Opaque pagination cursors: base64url JSON and its HMAC, `<payload>.<signature>`, so that clients pass
 * them back unchanged and a cursor the service did not issue (forged, edited, from an older version) is
 * refused before its inside is read.
 */
export function encodeCursor(position: unknown): string {
  const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${payload}.${signatureOf(payload).toString('base64url')}`;
}

/** The position inside a cursor this service issued; a 400 invalid_cursor otherwise, or when `isValid` refuses it. */
export function decodeCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  const [payload, signature, extra] = cursor.split('.');
  if (!payload || !signature || extra !== undefined || !signatureHolds(payload, signature)) throw badRequest('invalid_cursor', NOT_OURS);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('invalid_cursor', NOT_OURS);
  }
  // Signed by us yet not what this list expects: a cursor of another list, or of another sort of this one.
  if (!isValid(value)) throw badRequest('invalid_cursor', NOT_THIS_LIST);
  return value;
}

function signatureHolds(payload: string, signature: string): boolean {
  const given = Buffer.from(signature, 'base64url');
  const good = signatureOf(payload);
  // Re-encoding what was decoded rejects the other spellings base64url decoding forgives (padding, stray characters).
  return given.length === good.length && given.toString('base64url') === signature && timingSafeEqual(given, good);
}

/** A position in a list ordered by (created_at, id): crawls. */
export type CreatedCursor = { createdAt: string; id: string };
export const isCreatedCursor = (value: unknown): value is CreatedCursor =>
  typeof (value as CreatedCursor)?.createdAt === 'string' && TIMESTAMP.test((value as CreatedCursor).createdAt) &&
  !Number.isNaN(Date.parse((value as CreatedCursor).createdAt.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))) &&
  isUuid(String((value as CreatedCursor)?.id));
// A timestamptz as PostgreSQL writes it (created_at::text): 2026-12-03 05:41:23.123456+00.
const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/;

/** A position in a list ordered by a numeric id. */
export const isIdCursor = (value: unknown): value is { id: number } => Number.isSafeInteger((value as { id: number })?.id);
