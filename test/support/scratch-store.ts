import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ScratchStore {
  /** A database nobody has created yet, on the machine's PostgreSQL: the service creates it at start. */
  databaseUrl: string;
  /** A queue prefix of its own in the machine's Redis. */
  queuePrefix: string;
  /** Drops the database and deletes the prefix's keys (in the machine's Redis, or `redisUrl`'s); call it once the processes using them have exited. */
  drop(redisUrl?: string): Promise<void>;
}

/**
 * A database name (`blb_test_…`, on the machine's PostgreSQL or on `databaseServer`, a server's
 * `postgres` database URL) and a queue prefix (`blb-test-…`) of a test's own: for startEnvironment, and
 * for a service a test starts as a process, as `npm start` would run it.
 */
export function scratchStore(databaseServer = BASE_DATABASE_URL): ScratchStore {
  const suffix = randomBytes(5).toString('hex');
  const databaseUrl = new URL(databaseServer);
  databaseUrl.pathname = `/blb_test_${suffix}`;
  const queuePrefix = `blb-test-${suffix}`;
  return {
    databaseUrl: databaseUrl.toString(),
    queuePrefix,
    async drop(redisUrl = REDIS_URL) {
      const admin = new URL(databaseUrl);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseUrl.pathname.slice(1))} WITH (FORCE)`);
      } finally {
        await client.end();
      }
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`${queuePrefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  };
}
