import type { Queue } from 'bullmq';

/**
 * Where a work item's job stands, as the reconciler needs it:
 * - `live`: waiting, delayed or running under a lock; it will settle its item;
 * - `missing`: no such job (lost between commit and enqueue, or Redis lost its data);
 * - `failed`: failed for good (attempts used, stalled too often, unrecoverable); `reason` says why;
 * - `completed`: finished, yet its item is still pending;
 * - `orphaned`: in the active list without a lock for longer than the caller's limit: its worker is gone
 *   and no stall check took it back.
 */
export type JobState =
  | { state: 'live' | 'missing' | 'completed' | 'orphaned' }
  | { state: 'failed'; reason: string };

// One round trip for a whole batch. Reads BullMQ's key layout (<prefix>:<queue>:<id>, its :lock, and
// the failed and completed zsets and the active list of the queue); test/queues/job-states.test.ts pins
// it to the installed version. KEYS: none (standalone Redis). ARGV: queue key prefix, now, orphan ms, ids...
const JOB_STATES = `
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local orphanMs = tonumber(ARGV[3])
local out = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local key = prefix .. id
  if redis.call('EXISTS', key) == 0 then
    out[#out + 1] = {'missing', ''}
  elseif redis.call('ZSCORE', prefix .. 'failed', id) then
    out[#out + 1] = {'failed', redis.call('HGET', key, 'failedReason') or ''}
  elseif redis.call('ZSCORE', prefix .. 'completed', id) then
    out[#out + 1] = {'completed', ''}
  elseif redis.call('EXISTS', key .. ':lock') == 0 and redis.call('LPOS', prefix .. 'active', id) then
    local startedAt = tonumber(redis.call('HGET', key, 'processedOn') or '0') or 0
    out[#out + 1] = {now - startedAt > orphanMs and 'orphaned' or 'live', ''}
  else
    out[#out + 1] = {'live', ''}
  end
end
return out`;

type StatesClient = { jobStates(...args: (string | number)[]): Promise<[string, string][]> };

/** The state of each job id in `queue`, in order, read atomically in one script call. */
export async function jobStates(queue: Queue, jobIds: string[], orphanAfterMs: number): Promise<JobState[]> {
  if (jobIds.length === 0) return [];
  const client = (await queue.client) as unknown as StatesClient & { defineCommand(name: string, spec: object): void };
  if (!client.jobStates) client.defineCommand('jobStates', { numberOfKeys: 0, lua: JOB_STATES });
  const rows = await client.jobStates(queue.toKey(''), Date.now(), orphanAfterMs, ...jobIds);
  return rows.map(([state, reason]) =>
    state === 'failed' ? { state, reason: reason || 'failed' } : { state: state as 'live' | 'missing' | 'completed' | 'orphaned' },
  );
}
