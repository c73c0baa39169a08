import t from 'tap';
import { batched, batchedLookup } from '../../services/batching.js';

// The group-commit batcher that the crawl's hot statements go through (see services/batching.ts).

/** A batch runner that records its batches and answers when `release` is called. */
function recordingRunner(fail: (input: number) => boolean = () => false) {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const run = (inputs: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push(inputs);
      releases.push(() => (inputs.some(fail) ? reject(new Error(`bad input in ${inputs}`)) : resolve(inputs.map((n) => n * 10))));
    });
  return { batches, run, releaseAll: () => releases.splice(0).forEach((release) => release()) };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

t.test('a call with nothing in flight runs at once, alone', async (t) => {
  const runner = recordingRunner();
  const call = batched(runner.run);
  const answer = call(1);
  await tick();
  t.same(runner.batches, [[1]]);
  runner.releaseAll();
  t.equal(await answer, 10);
});

t.test('calls made while a batch is in flight go together as the next batch, each getting its own answer', async (t) => {
  const runner = recordingRunner();
  const call = batched(runner.run);
  const first = call(1);
  const rest = [call(2), call(3), call(4)];
  await tick();
  t.same(runner.batches, [[1]], 'the others wait for the batch in flight');
  runner.releaseAll();
  t.equal(await first, 10);
  await tick();
  t.same(runner.batches, [[1], [2, 3, 4]]);
  runner.releaseAll();
  t.same(await Promise.all(rest), [20, 30, 40]);
});

t.test('a batch holds at most maxBatch calls', async (t) => {
  const runner = recordingRunner();
  const call = batched(runner.run, 2);
  const answers = [1, 2, 3, 4, 5, 6].map((n) => call(n));
  for (let i = 0; i < 4; i++) {
    await tick();
    runner.releaseAll();
  }
  t.same(await Promise.all(answers), [10, 20, 30, 40, 50, 60]);
  t.same(runner.batches, [[1], [2, 3], [4, 5], [6]]);
});

t.test('a failed batch is run again call by call: only the bad call fails', async (t) => {
  const runner = recordingRunner((n) => n === 3);
  const call = batched(runner.run);
  const first = call(1);
  const rest = [2, 3, 4].map((n) => call(n).then((v) => ({ ok: v }), (error: Error) => ({ error: error.message })));
  await tick();
  runner.releaseAll();
  await first;
  for (let i = 0; i < 3; i++) {
    await tick();
    runner.releaseAll();
  }
  t.same(await Promise.all(rest), [{ ok: 20 }, { error: 'bad input in 3' }, { ok: 40 }]);
  t.same(runner.batches, [[1], [2, 3, 4], [2], [3], [4]]);
});

t.test('a lookup asks once for the distinct keys of a batch; a key it has no value for gets null', async (t) => {
  const asked: string[][] = [];
  const lookup = batchedLookup(async (keys: string[]) => {
    asked.push(keys);
    return new Map(keys.filter((key) => key !== 'missing').map((key) => [key, key.toUpperCase()]));
  });
  const first = lookup('a');
  const rest = ['b', 'missing', 'b'].map((key) => lookup(key));
  t.equal(await first, 'A');
  t.same(await Promise.all(rest), ['B', null, 'B']);
  t.same(asked, [['a'], ['b', 'missing']]);
});
