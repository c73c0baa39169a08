import { badRequest } from '../errors.js';
import { isUuid } from '../ids.js';

/** Opaque pagination cursors: base64url JSON, so clients pass them back unchanged. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!isValid(value)) throw badRequest('invalid_cursor', 'cursor is not one this API returned; pass nextCursor back unchanged');
  return value;
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
