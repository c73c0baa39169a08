import { HOSTS_FILE_VARIABLE } from './fake-hosts.js';
import { runNodeChild } from './node-child.js';
import { compareServed, type MinimalRequest, type ServedComparison } from './minimal-set.js';
import type { ServedSite } from './site-server.js';
import type { TreeMemory } from './process-tree.js';
import type { CeilingInput, CeilingOutput } from './ceiling-client.js';
import type { Workspace } from './workspace.js';

/** Requests in flight at once: linkinator's order of magnitude, and the relaxed mode's per-host cap. */
const IN_FLIGHT = 64;

export interface CeilingResult {
  seconds: number;
  processSeconds: number;
  pagesPerSecond: number;
  checksPerSecond: number;
  outcomes: Record<string, number>;
  memory: TreeMemory;
  served: ServedComparison;
}

/**
 * The ceiling: the minimal request set replayed by a plain keep-alive client, knowing every URL up
 * front (no parsing, no discovery, no bookkeeping). No crawler can beat it on this machine; how far
 * a crawler is from it is what its own work costs.
 */
export async function runCeiling(served: ServedSite, minimal: MinimalRequest[], workspace: Workspace): Promise<CeilingResult> {
  const mark = served.web.requests.length;
  const input: CeilingInput = { urls: minimal.map((request) => request.url), inFlight: IN_FLIGHT };
  const run = await runNodeChild<CeilingOutput>({ name: 'ceiling-client', input, workspace, env: { [HOSTS_FILE_VARIABLE]: served.hostsFile } });
  const { seconds, outcomes } = run.output;
  return {
    seconds,
    processSeconds: run.processSeconds,
    pagesPerSecond: served.site.pages.length / seconds,
    checksPerSecond: served.site.externalTargets.length / seconds,
    outcomes,
    memory: run.memory,
    served: compareServed(served.requestsSince(mark), minimal),
  };
}
