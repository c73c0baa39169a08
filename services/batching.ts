/**
 * Coalesces the calls of concurrent jobs into batches, the way a database's group commit does: a call
 * runs at once when no batch is in flight; the calls made while one is in flight wait for it and then
 * go together, as the next batch (at most `maxBatch` at a time). So under light load nothing waits, and
 * under heavy load one round trip serves many jobs. A failed batch of several calls is run again one
 * call at a time, so that a bad call fails its own job only.
 *
 * `run` answers each input by its position; it must be safe to run twice for the same inputs (every
 * statement it runs is idempotent, as the jobs' own are).
 */
export function batched<I, O>(run: (inputs: I[]) => Promise<O[]>, maxBatch = 64): (input: I) => Promise<O> {
  type Call = { input: I; resolve(output: O): void; reject(error: unknown): void };
  const waiting: Call[] = [];
  let inFlight = false;

  const settle = async (calls: Call[]) => {
    const outputs = await run(calls.map((call) => call.input));
    calls.forEach((call, i) => call.resolve(outputs[i]!));
  };

  const next = async (): Promise<void> => {
    if (inFlight || waiting.length === 0) return;
    inFlight = true;
    const calls = waiting.splice(0, maxBatch);
    try {
      await settle(calls);
    } catch (error) {
      if (calls.length === 1) calls[0]!.reject(error);
      else await Promise.all(calls.map((call) => settle([call]).catch(call.reject)));
    } finally {
      inFlight = false;
      void next();
    }
  };

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      void next();
    });
}

/**
 * `batched` for reads by key: `load` answers a batch's distinct keys as a map, and each call gets its
 * key's value, or null when the map has none.
 */
export function batchedLookup<K, V>(load: (keys: K[]) => Promise<Map<K, V>>): (key: K) => Promise<V | null> {
  return batched(async (keys: K[]) => {
    const found = await load([...new Set(keys)]);
    return keys.map((key) => found.get(key) ?? null);
  });
}
