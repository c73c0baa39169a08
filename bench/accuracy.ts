import { pairKey } from './niche-site.js';

export interface PairAccuracy {
  known: number;
  reported: number;
  found: number;
  missed: number;
  /** Reported pairs that are not dead pairs of the site: a wasted outreach email each. */
  falsePositives: number;
  /** A few of each, to start looking. */
  missedExamples: string[];
  falseExamples: string[];
}

/** (source page, dead URL) pairs reported by a crawler against the site's known dead pairs. */
export function comparePairs(reported: { sourceUrl: string; deadUrl: string }[], known: Set<string>): PairAccuracy {
  const keys = new Set(reported.map((pair) => pairKey(pair.sourceUrl, pair.deadUrl)));
  const found = [...keys].filter((key) => known.has(key));
  const falses = [...keys].filter((key) => !known.has(key));
  const missed = [...known].filter((key) => !keys.has(key));
  return {
    known: known.size,
    reported: keys.size,
    found: found.length,
    missed: missed.length,
    falsePositives: falses.length,
    missedExamples: missed.slice(0, 5),
    falseExamples: falses.slice(0, 5),
  };
}
