import { createHash, randomBytes } from 'node:crypto';

// The prefix makes a leaked key recognizable to secret scanners and to people.
const KEY_PREFIX = 'blb_live_';

/** A new API key: 32 random bytes, shown to its owner once and stored only as its hash. */
export function generateApiKey(): { key: string; hash: Buffer; prefix: string } {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, KEY_PREFIX.length + 4) };
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
