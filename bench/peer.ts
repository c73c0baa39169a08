import { comparePairs, type PairAccuracy } from './accuracy.js';
import { HOSTS_FILE_VARIABLE } from './fake-hosts.js';
import { compareServed, type MinimalRequest, type ServedComparison } from './minimal-set.js';
import { runNodeChild } from './node-child.js';
import type { PeerInput, PeerOutput } from './peer-client.js';
import type { TreeMemory } from './process-tree.js';
import type { ServedSite } from './site-server.js';
import type { Workspace } from './workspace.js';

export interface PeerResult {
  seconds: number;
  processSeconds: number;
  pagesCrawled: number;
  externalChecked: number;
  skipped: number;
  pagesPerSecond: number;
  checksPerSecond: number;
  brokenUrls: number;
  brokenByStatus: Record<string, number>;
  noAnswerCauses: Record<string, number>;
  /** Its (page, broken URL) pairs against the site's known dead pairs. */
  accuracy: PairAccuracy;
  memory: TreeMemory;
  served: ServedComparison;
}

/** linkinator 7 on the same site, in its own process with the same virtual hosts. */
export async function runPeer(served: ServedSite, minimal: MinimalRequest[], workspace: Workspace): Promise<PeerResult> {
  const mark = served.web.requests.length;
  const input: PeerInput = { seed: served.site.seed };
  const run = await runNodeChild<PeerOutput>({ name: 'peer-client', input, workspace, fakeDns: true, env: { [HOSTS_FILE_VARIABLE]: served.hostsFile } });
  const output = run.output;
  return {
    seconds: output.seconds,
    processSeconds: run.processSeconds,
    pagesCrawled: output.pagesCrawled,
    externalChecked: output.externalChecked,
    skipped: output.skipped,
    pagesPerSecond: output.pagesCrawled / output.seconds,
    checksPerSecond: output.externalChecked / output.seconds,
    brokenUrls: output.brokenUrls,
    brokenByStatus: output.brokenByStatus,
    noAnswerCauses: output.noAnswerCauses,
    accuracy: comparePairs(output.brokenPairs, served.site.knownDeadPairs),
    memory: run.memory,
    served: compareServed(served.requestsSince(mark), minimal),
  };
}
