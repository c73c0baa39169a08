import { badRequest } from '../errors.js';

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
