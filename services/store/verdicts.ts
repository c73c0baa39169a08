import type { Queryable } from './db.js';
import type { SettledVerdict } from '../crawl/verdict.js';

/**
 * The cached verdict of a URL younger than a number of seconds, as one JSON value (NULL when there is
 * none), for the reads of the work of a job, which fetch it with their own row in one round trip; read it
 * with verdictOf. `url` and `maxAgeSeconds` are SQL expressions (a column, a parameter).
 */
export const freshVerdictJson = (url: string, maxAgeSeconds: string) =>
  `(SELECT json_build_object('verdict', v.verdict, 'reason', v.reason, 'httpStatus', v.http_status, 'finalUrl', v.final_url,
      'attempts', v.evidence -> 'attempts', 'checkedAt', v.checked_at)
    FROM verdicts v WHERE v.url = ${url} AND ${maxAgeSeconds} > 0 AND v.checked_at > now() - make_interval(secs => ${maxAgeSeconds}))`;

/** The verdict in a JSON value of freshVerdictJson (its time as a Date again). */
export function verdictOf(json: (Omit<SettledVerdict, 'checkedAt'> & { checkedAt: string }) | null): SettledVerdict | null {
  return json ? { ...json, checkedAt: new Date(json.checkedAt) } : null;
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
