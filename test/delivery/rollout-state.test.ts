// The rollout's transitions as pure functions: a failing check rolls back (weight 0) or, with
// onFailure: pause, holds the weight for an operator; a passing step advances only after its
// hold and minSamples; the last step promotes; an inconclusive check holds; operator actions
// refused in a state say why; undo walks back through history. And the prometheus check against
// a stand-in Prometheus HTTP API: a value within bounds passes, outside fails, an error or an
// empty result is inconclusive.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initialRecord, judge, operate, KEEP_DECISIONS, type RolloutRecord } from '../../src/delivery/rollout/rollout-state.js';
import { prometheusCheck } from '../../src/delivery/rollout/prometheus.js';
import type { CheckOutcome } from '../../src/delivery/rollout/checks.js';
import type { RolloutConfig } from '../../src/config/types.js';

const config = (onFailure: 'rollback' | 'pause'): RolloutConfig => ({
  canary: 'new',
  steps: [
    { weight: 10, hold: 1000, minSamples: 50 },
    { weight: 50, hold: 0, minSamples: 0 },
  ],
  interval: 100,
  analysis: [{ metric: 'errorRate', maxIncrease: 0.01 }],
  onFailure,
});
const outcome = (verdict: CheckOutcome['verdict']): CheckOutcome => ({ metric: 'errorRate', verdict, canary: 0.03, baseline: 0, threshold: 0.01 });

test('a failing check rolls back, or pauses at the same weight with onFailure: pause', () => {
  const start = initialRecord(config('rollback'), 0);
  const rolled = judge(config('rollback'), start, { outcomes: [outcome('fail')], canarySamples: 5 }, 10);
  assert.deepEqual([rolled.state, rolled.weight], ['rolled-back', 0]);
  assert.deepEqual([rolled.decisions[0]?.verdict, rolled.decisions[0]?.action, rolled.decisions[0]?.metric], ['fail', 'rollback', 'errorRate']);
  const paused = judge(config('pause'), start, { outcomes: [outcome('fail')], canarySamples: 5 }, 10);
  assert.deepEqual([paused.state, paused.weight, paused.decisions[0]?.action], ['paused', 10, 'pause']);
});

test('a step advances on pass only after its hold and minSamples, and the last one promotes', () => {
  const c = config('rollback');
  let r: RolloutRecord = initialRecord(c, 0);
  r = judge(c, r, { outcomes: [outcome('pass')], canarySamples: 500 }, 500);
  assert.deepEqual([r.step, r.decisions.at(-1)?.action], [0, 'hold'], 'hold not over');
  r = judge(c, r, { outcomes: [outcome('pass')], canarySamples: 10 }, 2000);
  assert.deepEqual([r.step, r.decisions.at(-1)?.action], [0, 'hold'], 'too few samples');
  r = judge(c, r, { outcomes: [outcome('inconclusive')], canarySamples: 500 }, 2000);
  assert.deepEqual([r.step, r.decisions.at(-1)?.action], [0, 'hold'], 'inconclusive holds');
  r = judge(c, r, { outcomes: [outcome('pass')], canarySamples: 500 }, 2000);
  assert.deepEqual([r.state, r.step, r.weight, r.epoch], ['progressing', 1, 50, 2]);
  r = judge(c, r, { outcomes: [outcome('pass')], canarySamples: 0 }, 2001);
  assert.deepEqual([r.state, r.weight, r.decisions.at(-1)?.action], ['promoted', 100, 'promote']);
});

test('operator actions refused in a state say why; undo walks back', () => {
  const c = config('rollback');
  const start = initialRecord(c, 0);
  assert.equal(operate(c, start, 'resume', false, 1), 'cannot resume a rollout that is progressing');
  assert.equal(operate(c, start, 'undo', false, 1), 'nothing to undo: the rollout has not moved yet');
  const promoted = operate(c, start, 'promote', true, 1) as RolloutRecord;
  assert.deepEqual([promoted.state, promoted.weight], ['promoted', 100]);
  assert.equal(operate(c, promoted, 'abort', false, 2), 'cannot abort a rollout that is promoted');
  const undone = operate(c, promoted, 'undo', false, 2) as RolloutRecord;
  assert.deepEqual([undone.state, undone.step, undone.weight], ['progressing', 0, 10]);
  assert.ok(undone.epoch > promoted.epoch, 'a fresh sample window');
});

test('holds are the first decisions dropped when the record is full: transitions outlive them', () => {
  const c = config('rollback');
  let r: RolloutRecord = initialRecord(c, 0);
  r = operate(c, r, 'pause', false, 1) as RolloutRecord;
  r = operate(c, r, 'resume', false, 2) as RolloutRecord;
  for (let i = 0; i < KEEP_DECISIONS + 50; i++) r = judge(c, r, { outcomes: [outcome('inconclusive')], canarySamples: 0 }, 3 + i);
  assert.equal(r.decisions.length, KEEP_DECISIONS);
  assert.deepEqual(r.decisions.slice(0, 2).map((d) => d.action), ['pause', 'resume']);
  assert.equal(r.decisions.at(-1)?.time, new Date(3 + KEEP_DECISIONS + 49).toISOString());
});

let prometheus: Server;
let url: string;
const answers: Record<string, unknown> = {
  low: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '3'] }] } },
  high: { status: 'success', data: { resultType: 'scalar', result: [1, '12'] } },
  empty: { status: 'success', data: { resultType: 'vector', result: [] } },
  bad: { status: 'error', errorType: 'bad_data', error: 'parse error at char 4' },
};

before(async () => {
  prometheus = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    const body = answers[query];
    res.writeHead(body === undefined || query === 'bad' ? 400 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
});
after(() => prometheus?.close());

test('prometheus: within bounds passes, beyond fails, an error, an empty result or no server is inconclusive', async () => {
  assert.equal((await prometheusCheck({ url, query: 'low', max: 10, min: undefined })).verdict, 'pass');
  const high = await prometheusCheck({ url, query: 'high', max: 10, min: undefined });
  assert.deepEqual([high.verdict, high.canary, high.threshold], ['fail', 12, 10]);
  assert.equal((await prometheusCheck({ url, query: 'low', max: undefined, min: 5 })).verdict, 'fail');
  const empty = await prometheusCheck({ url, query: 'empty', max: 10, min: undefined });
  assert.deepEqual([empty.verdict, empty.detail], ['inconclusive', 'the query returned no series']);
  const bad = await prometheusCheck({ url, query: 'bad', max: 10, min: undefined });
  assert.deepEqual([bad.verdict, bad.detail], ['inconclusive', 'prometheus answered 400: parse error at char 4']);
  assert.equal((await prometheusCheck({ url: 'http://127.0.0.1:1', query: 'low', max: 10, min: undefined })).verdict, 'inconclusive');
});
