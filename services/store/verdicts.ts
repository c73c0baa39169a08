import type { Queryable } from './db.js';
import type { SettledVerdict } from '../crawl/verdict.js';

/**
 * The cached verdict of a URL younger than a number of seconds, as one JSON value (NULL when there is
 * none), for the reads of the work of a job, which fetch it with their own row in one round trip; read it
 * with verdictOf. `url` and `maxAgeSeconds` are SQL expressions (a column, a parameter). The run of a
 * watch (crawl `c`) takes only verdicts given since it started: it is there to see what changed.
 */
export const freshVerdictJson = (url: string, maxAgeSeconds: string) =>
  `(SELECT json_build_object('verdict', v.verdict, 'reason', v.reason, 'httpStatus', v.http_status, 'finalUrl', v.final_url,
      'attempts', v.evidence -> 'attempts', 'checkedAt', v.checked_at)
    FROM verdicts v WHERE v.url = ${url} AND ${maxAgeSeconds} > 0 AND v.checked_at > now() - make_interval(secs => ${maxAgeSeconds})
      AND (c.watch_id IS NULL OR v.checked_at >= c.created_at))`;

/** The verdict in a JSON value of freshVerdictJson (its time as a Date again). */
export function verdictOf(json: (Omit<SettledVerdict, 'checkedAt'> & { checkedAt: string }) | null): SettledVerdict | null {
  return json ? { ...json, checkedAt: new Date(json.checkedAt) } : null;
}

/** Caches verdicts (the last one given for a URL wins); `unknown` is transient by definition and is never cached. */
export async function saveVerdicts(db: Queryable, checked: { url: string; verdict: SettledVerdict }[]): Promise<void> {
  const byUrl = new Map(checked.filter((c) => c.verdict.verdict !== 'unknown').map((c) => [c.url, c.verdict]));
  if (byUrl.size === 0) return;
  const urls = [...byUrl.keys()].sort();
  const verdicts = urls.map((url) => byUrl.get(url)!);
  await db.query(
    `/* verdicts.saveVerdicts */ INSERT INTO verdicts (url, verdict, reason, http_status, final_url, evidence, checked_at)
     SELECT u.url, u.verdict, u.reason, u.http_status, u.final_url, u.evidence::jsonb, u.checked_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::timestamptz[])
       AS u(url, verdict, reason, http_status, final_url, evidence, checked_at)
     ON CONFLICT (url) DO UPDATE SET verdict = EXCLUDED.verdict, reason = EXCLUDED.reason,
       http_status = EXCLUDED.http_status, final_url = EXCLUDED.final_url, evidence = EXCLUDED.evidence,
       checked_at = EXCLUDED.checked_at`,
    [
      urls, verdicts.map((v) => v.verdict), verdicts.map((v) => v.reason), verdicts.map((v) => v.httpStatus),
      verdicts.map((v) => v.finalUrl), verdicts.map((v) => JSON.stringify({ attempts: v.attempts })), verdicts.map((v) => v.checkedAt),
    ],
  );
}

/** Caches one verdict (see saveVerdicts). */
export const saveVerdict = (db: Queryable, url: string, verdict: SettledVerdict) => saveVerdicts(db, [{ url, verdict }]);
