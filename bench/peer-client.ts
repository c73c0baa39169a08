// linkinator, the peer (a child process of the bench, started with the fake-dns preload): its API with
// its defaults (100 requests at once, no timeout, no retries), recursing from the seed as
// `linkinator <seed> --recurse` does. Writes the time taken and what it reported.
import { LinkChecker, LinkState, type LinkResult } from 'linkinator';
import { childInput, childOutput } from './node-child.js';

export interface PeerInput {
  seed: string;
}

export interface PeerOutput {
  seconds: number;
  /** CPU seconds its process (every thread of it) used while it checked. */
  cpuSeconds: number;
  /** Pages of the seed host it fetched and parsed (answered 2xx). */
  pagesCrawled: number;
  /** Unique URLs on other hosts it checked. */
  externalChecked: number;
  /** Results it skipped (not http(s)). */
  skipped: number;
  /** Unique URLs it reported broken, and by status (0: no answer at all, such as NXDOMAIN). */
  brokenUrls: number;
  brokenByStatus: Record<string, number>;
  /** Why the URLs without any answer (status 0) failed, by error code: NXDOMAIN is ENOTFOUND, anything else is trouble on the way. */
  noAnswerCauses: Record<string, number>;
  /** Each (page, broken URL) it reported. */
  brokenPairs: { sourceUrl: string; deadUrl: string }[];
}

const { seed } = childInput<PeerInput>();
const seedHost = new URL(seed).host;
const started = performance.now();
const cpuBefore = process.cpuUsage();
const { links } = await new LinkChecker().check({ path: seed, recurse: true });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);

// linkinator reports an OK URL once and a broken one once per page linking to it. It also reports
// SKIPPED "links" it was never going to fetch (a meta description such as "Roses: a grower's profile"
// parses as a URL of scheme roses:), which are no checks.
const byUrl = new Map<string, LinkResult>();
for (const link of links) if (link.state !== LinkState.SKIPPED && !byUrl.has(link.url)) byUrl.set(link.url, link);
const unique = [...byUrl.values()];
const onSeedHost = (link: LinkResult) => new URL(link.url).host === seedHost;
const broken = unique.filter((link) => link.state === LinkState.BROKEN);
const count = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);
const brokenByStatus: Record<string, number> = {};
for (const link of broken) count(brokenByStatus, String(link.status ?? 0));
/** fetch's error says "fetch failed"; the reason is its cause (a system error code, or undici's message). */
const causeOf = (link: LinkResult) => {
  const error = link.failureDetails?.at(-1) as (Error & { cause?: { code?: string; message?: string } }) | undefined;
  return error?.cause?.code ?? error?.cause?.message ?? error?.message ?? 'unknown';
};
const noAnswerCauses: Record<string, number> = {};
for (const link of broken) if (!link.status) count(noAnswerCauses, causeOf(link));

childOutput({
  seconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  pagesCrawled: unique.filter((link) => onSeedHost(link) && link.state === LinkState.OK).length,
  externalChecked: unique.filter((link) => !onSeedHost(link)).length,
  skipped: links.filter((link) => link.state === LinkState.SKIPPED).length,
  brokenUrls: broken.length,
  brokenByStatus,
  noAnswerCauses,
  brokenPairs: links
    .filter((link) => link.state === LinkState.BROKEN && link.parent)
    .map((link) => ({ sourceUrl: link.parent!, deadUrl: link.url })),
} satisfies PeerOutput);
// Idle keep-alive connections of fetch's pool must not keep the process waiting.
process.exit(0);
