import { comparePairs, type PairAccuracy } from './accuracy.js';
import { HOSTS_FILE_VARIABLE } from './fake-hosts.js';
import { compareServed, type MinimalRequest, type ServedComparison } from './minimal-set.js';
import { runNodeChild } from './node-child.js';
import type { PeerInput, PeerOutput } from './peer-client.js';
import type { TreeMemory } from './process-tree.js';
import type { ServedSite } from './site-server.js';
import type { Workspace } from './workspace.js';

export interface PeerResult extends Omit<PeerOutput, 'brokenPairs'> {
  processSeconds: number;
  pagesPerSecond: number;
  checksPerSecond: number;
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
  const { brokenPairs, ...output } = run.output;
  return {
    ...output,
    processSeconds: run.processSeconds,
    pagesPerSecond: output.pagesCrawled / output.seconds,
    checksPerSecond: output.externalChecked / output.seconds,
    accuracy: comparePairs(brokenPairs, served.site.knownDeadPairs),
    memory: run.memory,
    served: compareServed(served.requestsSince(mark), minimal),
  };
}
