import type { Queryable } from './db.js';
import type { SettledVerdict } from '../crawl/verdict.js';

/** A settled verdict for the URL younger than maxAgeMs, shared across crawls and accounts; else null. */
export async function freshVerdict(db: Queryable, url: string, maxAgeMs: number): Promise<SettledVerdict | null> {
  if (maxAgeMs <= 0) return null;
  const { rows } = await db.query(
    `/* verdicts.freshVerdict */ SELECT verdict, reason, http_status AS "httpStatus", final_url AS "finalUrl",
       evidence -> 'attempts' AS attempts, checked_at AS "checkedAt"
     FROM verdicts WHERE url = $1 AND checked_at > now() - make_interval(secs => $2)`,
    [url, maxAgeMs / 1000],
  );
  return rows[0] ?? null;
}

/** Caches a verdict; `unknown` is transient by definition and is never cached. */
export async function saveVerdict(db: Queryable, url: string, checked: SettledVerdict): Promise<void> {
  if (checked.verdict === 'unknown') return;
  await db.query(
    `/* verdicts.saveVerdict */ INSERT INTO verdicts (url, verdict, reason, http_status, final_url, evidence, checked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (url) DO UPDATE SET verdict = EXCLUDED.verdict, reason = EXCLUDED.reason,
       http_status = EXCLUDED.http_status, final_url = EXCLUDED.final_url, evidence = EXCLUDED.evidence,
       checked_at = EXCLUDED.checked_at`,
    [url, checked.verdict, checked.reason, checked.httpStatus, checked.finalUrl,
      JSON.stringify({ attempts: checked.attempts }), checked.checkedAt],
  );
}
