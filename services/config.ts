import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/** Every setting of every process, read once from the environment and validated. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  /** Unset: the admin API is disabled, not open. */
  adminToken: string | undefined;
  /**
   * The HMAC key of pagination cursors (services/web/cursor.ts). It must be the same in every API process of a
   * deployment, or a cursor issued by one machine is refused by the next: CURSOR_SECRET, else derived (see
   * cursorSecretOf).
   */
  cursorSecret: string;
  /** When set, GET /metrics answers only requests that carry it as a bearer token (for Prometheus' authorization). */
  metricsToken: string | undefined;
  queuePrefix: string;
  /** Requests per minute per account on /v1 routes. */
  rateLimitPerMinute: number;
  pageConcurrency: number;
  checkConcurrency: number;
  logLevel: string;
  userAgent: string;
  /** CIDRs the outbound client may reach although they are not public (tests: loopback). */
  ssrfAllowlist: string[];
  /**
   * CIDRs of reverse proxies in front of the API: their X-Forwarded-For/-Proto/-Host give the client's
   * address (rate limits, audit log), https (Secure cookies) and host (the admin's same-origin check).
   */
  trustedProxies: string[];
  http: HttpLimits;
  /** How long a settled verdict for a URL is reused, across crawls and accounts. */
  verdictMaxAgeMs: number;
  retry: RetryPolicy;
  politeness: Politeness;
  /** An HTTP forward proxy for every crawl and check request (http://host:port). */
  proxyUrl: string | undefined;
  /** HTML parsing runs in worker threads; a page that takes longer than this is given up. */
  parseThreads: number;
  parseTimeoutMs: number;
  webhooks: WebhookSettings;
  /** A job whose worker stops renewing its lock (a killed process) is taken over after this long. */
  jobLockMs: number;
  /** How often a job of an item may fail for good (or vanish) and be enqueued anew before the item is settled as failed. */
  maxJobRequeues: number;
  /** A live crawl whose pending work made no progress for this long is failed with a reason (0: never). */
  stuckCrawlTimeoutMs: number;
  archive: {
    /**
     * A Wayback Machine (or a stand-in), without a trailing slash: its CDX API at <url>/cdx/search/cdx lists
     * captures, <url>/web/<timestamp>id_/<original> serves one as captured, <url>/web/<timestamp>/<original> shows it.
     * null (ARCHIVE_URL=off): dead pages are not looked up.
     */
    url: string | null;
    concurrency: number;
    retryDelayMs: number;
  };
  rdap: {
    /**
     * An RDAP bootstrap (or a registry's RDAP service, or a stand-in): GET <url>/domain/<name> answers the
     * domain's registration, after a redirect to the registry's own server.
     */
    url: string;
    concurrency: number;
  };
  /** How often workers look for pending work whose job was lost, and how old such work must be. */
  reconcileIntervalMs: number;
  reconcileMinAgeMs: number;
  /** How long a process waits for PostgreSQL and Redis at start before it exits. */
  startupTimeoutMs: number;
  /** A watch's runs may be no closer together than this. */
  watchMinIntervalMs: number;
  /** A won link is checked on its source page this often (and at each run of a watch that saw it). */
  linkCheckIntervalMs: number;
}

export interface HttpLimits {
  connectTimeoutMs: number;
  /** Time to the response headers. */
  responseTimeoutMs: number;
  /** The whole exchange, body included: bounds a server that drips. */
  requestTimeoutMs: number;
  maxBodyBytes: number;
  /** What a link check reads of an HTML answer, to recognize soft 404s and bot challenges. */
  checkBodyBytes: number;
  maxRedirects: number;
}

export interface RetryPolicy {
  /** Fetch attempts for one URL before a transient failure becomes its verdict. */
  maxAttempts: number;
  /** Backoff before attempt n+1: base * 2^(n-1), with jitter. */
  baseDelayMs: number;
  /** A server's Retry-After is honoured up to this. */
  retryAfterCapMs: number;
  /**
   * A refused connection is dead only once connections have been refused for this long (tries spread over
   * the window, so that a server restarting or redeploying is not called dead); until then it is pending.
   */
  refusedWindowMs: number;
}

export interface Politeness {
  /** Requests in flight to one host, across every worker process (default per crawl). */
  hostConcurrency: number;
  /** Minimum time between request starts to one host (default per crawl). */
  hostIntervalMs: number;
  /** robots.txt Crawl-delay is honoured up to this. */
  maxCrawlDelayMs: number;
}

export interface WebhookSettings {
  /** Most prospects in one prospects.found event. */
  batchSize: number;
  /** A running crawl sends at most one prospects.found event per endpoint this often. */
  batchIntervalMs: number;
  /** Time for one delivery attempt, answer included. */
  timeoutMs: number;
  /** Waits before each retry; when they run out the delivery has failed and the endpoint is disabled. */
  retrySchedule: number[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

// About three days in all, front-loaded: 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h, 10 h, 14 h, 20 h and 10 h.
const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h,14h,20h,10h';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/blb_prospector';
const DEFAULT_USER_AGENT = 'blb-prospector/0.1 (+https://github.com/blb-prospector/blb-prospector; link checker)';

/** Reads the configuration; throws a ConfigError naming every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, fallback: string, protocols: string[]): string => {
    const raw = env[name] || fallback;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
    } catch {
      problems.push(`${name} must be a ${protocols.join(' or ')}// URL, got '${raw}'`);
    }
    return raw;
  };

  // "500ms", "5s", "30m", "2h": a comma-separated schedule of waits.
  const durations = (name: string, fallback: string): number[] => {
    const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
    const parts = (env[name] || fallback).split(',').map((part) => part.trim());
    const values = parts.map((part) => {
      const match = /^(\d+)(ms|s|m|h)$/.exec(part);
      return match ? Number(match[1]) * units[match[2]!]! : NaN;
    });
    if (values.some((value) => !Number.isFinite(value)) || values.length === 0 || values.length > 30) {
      problems.push(`${name} must be 1 to 30 comma-separated durations like 5s,5m,2h; got '${env[name]}'`);
      return [];
    }
    return values;
  };

  const cidrs = (name: string) => {
    const list = (env[name] ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
    for (const cidr of list) {
      try {
        ipaddr.parseCIDR(cidr);
      } catch {
        problems.push(`${name} entries must be CIDRs like 127.0.0.0/8, got '${cidr}'`);
      }
    }
    return list;
  };
  const ssrfAllowlist = cidrs('SSRF_ALLOWLIST');
  const trustedProxies = cidrs('TRUSTED_PROXIES');

  const config: Config = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl: url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    adminToken: env.ADMIN_TOKEN || undefined,
    cursorSecret: cursorSecretOf(env),
    metricsToken: env.METRICS_TOKEN || undefined,
    queuePrefix: env.QUEUE_PREFIX || 'blb',
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    pageConcurrency: int('PAGE_CONCURRENCY', 64, 1, 1000),
    checkConcurrency: int('CHECK_CONCURRENCY', 64, 1, 1000),
    logLevel: env.LOG_LEVEL || 'info',
    userAgent: env.USER_AGENT || DEFAULT_USER_AGENT,
    ssrfAllowlist,
    trustedProxies,
    http: {
      connectTimeoutMs: int('CONNECT_TIMEOUT_MS', 5_000, 100, 120_000),
      responseTimeoutMs: int('RESPONSE_TIMEOUT_MS', 10_000, 100, 300_000),
      requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 20_000, 100, 600_000),
      maxBodyBytes: int('MAX_BODY_BYTES', 2 * 1024 * 1024, 1024, 100 * 1024 * 1024),
      checkBodyBytes: int('CHECK_BODY_BYTES', 256 * 1024, 1024, 10 * 1024 * 1024),
      maxRedirects: 10,
    },
    verdictMaxAgeMs: int('VERDICT_MAX_AGE_HOURS', 24, 0, 24 * 365) * 3_600_000,
    retry: {
      maxAttempts: int('MAX_FETCH_ATTEMPTS', 3, 1, 10),
      baseDelayMs: int('RETRY_BASE_DELAY_MS', 2_000, 0, 600_000),
      retryAfterCapMs: int('RETRY_AFTER_CAP_MS', 60_000, 0, 3_600_000),
      refusedWindowMs: int('REFUSED_WINDOW_MS', 90_000, 0, 86_400_000),
    },
    politeness: {
      hostConcurrency: int('HOST_CONCURRENCY', 4, 1, 100),
      hostIntervalMs: int('HOST_INTERVAL_MS', 100, 0, 600_000),
      maxCrawlDelayMs: int('MAX_CRAWL_DELAY_MS', 30_000, 0, 600_000),
    },
    proxyUrl: env.PROXY_URL ? url('PROXY_URL', env.PROXY_URL, ['http:', 'https:']) : undefined,
    parseThreads: int('PARSE_THREADS', 2, 1, 64),
    parseTimeoutMs: int('PARSE_TIMEOUT_MS', 5_000, 100, 120_000),
    webhooks: {
      batchSize: int('WEBHOOK_BATCH_SIZE', 100, 1, 1_000),
      batchIntervalMs: int('WEBHOOK_BATCH_INTERVAL_MS', 60_000, 50, 3_600_000),
      timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      retrySchedule: durations('WEBHOOK_RETRY_SCHEDULE', DEFAULT_RETRY_SCHEDULE),
    },
    jobLockMs: int('JOB_LOCK_MS', 30_000, 1_000, 600_000),
    maxJobRequeues: int('MAX_JOB_REQUEUES', 3, 0, 100),
    stuckCrawlTimeoutMs: int('STUCK_CRAWL_TIMEOUT_MS', 900_000, 0, 86_400_000),
    archive: {
      // The base URL without its trailing slash: paths are appended to it.
      url: env.ARCHIVE_URL === 'off' ? null : url('ARCHIVE_URL', 'https://web.archive.org', ['http:', 'https:']).replace(/\/+$/, ''),
      concurrency: int('ARCHIVE_CONCURRENCY', 2, 1, 100),
      retryDelayMs: int('ARCHIVE_RETRY_DELAY_MS', 30_000, 0, 3_600_000),
    },
    rdap: {
      // The base URL without its trailing slash: paths are appended to it.
      url: url('RDAP_URL', 'https://rdap.org', ['http:', 'https:']).replace(/\/+$/, ''),
      concurrency: int('RDAP_CONCURRENCY', 2, 1, 100),
    },
    reconcileIntervalMs: int('RECONCILE_INTERVAL_MS', 5_000, 100, 3_600_000),
    reconcileMinAgeMs: int('RECONCILE_MIN_AGE_MS', 10_000, 0, 86_400_000),
    startupTimeoutMs: int('STARTUP_TIMEOUT_MS', 60_000, 0, 3_600_000),
    watchMinIntervalMs: int('WATCH_MIN_INTERVAL_MS', 900_000, 1_000, 7 * 86_400_000),
    linkCheckIntervalMs: int('LINK_CHECK_INTERVAL_MS', 86_400_000, 1_000, 30 * 86_400_000),
  };
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(config.logLevel)) problems.push(`LOG_LEVEL must be one of ${levels.join(', ')}`);
  if (config.metricsToken !== undefined && config.metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters');
  if (env.CURSOR_SECRET && env.CURSOR_SECRET.length < 16) problems.push('CURSOR_SECRET must be at least 16 characters');
  if (config.adminToken !== undefined && config.adminToken.length < 16) {
    problems.push('ADMIN_TOKEN must be at least 16 characters');
  }
  // Renamed settings fail loudly: a deployment that pointed the old one at a mirror must not quietly go elsewhere.
  if (env.ARCHIVE_API_URL !== undefined) {
    problems.push('ARCHIVE_API_URL is no longer read: set ARCHIVE_URL to the Wayback Machine\'s base URL (default https://web.archive.org)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * CURSOR_SECRET when set. Otherwise derived from ADMIN_TOKEN, which every API process of a deployment
 * already shares (admin sessions signed by one machine verify on the next only if it does) and which is
 * a secret; failing that (the admin disabled), from DATABASE_URL, which every process shares too but which
 * may be guessable and may be written differently per machine (a local pooler). Hashed with a label, so
 * the key reveals neither and is no other key of the service. Changing the source ends open cursors:
 * clients start their listing again.
 */
function cursorSecretOf(env: NodeJS.ProcessEnv): string {
  if (env.CURSOR_SECRET) return env.CURSOR_SECRET;
  const source = env.ADMIN_TOKEN || env.DATABASE_URL || DEFAULT_DATABASE_URL;
  return createHash('sha256').update(`blb cursor key\n${source}`).digest('base64url');
}
