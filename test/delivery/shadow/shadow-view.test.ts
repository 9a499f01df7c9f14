// How the primary of `serve --workers N` adds the workers' GET /admin/shadow views together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeShadowViews } from '../../../src/delivery/shadow/shadow-view.js';

test('merging views: counts and fields summed per route, the newest samples kept, oldest first', () => {
  const sample = (time: string) => ({ time, requestId: time, method: 'GET', path: '/x', differences: [] });
  const part = (compared: number, mismatched: number, times: string[]) => ({
    route: 'r',
    target: 't',
    compared,
    mismatched,
    mismatchRate: mismatched / compared,
    noData: { timeout: 1, failed: 0, tooLarge: 0, overCapacity: 2, busy: 3 },
    fields: [{ pointer: '/a', mismatched, noise: 1 }],
    samples: times.map(sample),
  });
  const times = (from: number, n: number) => Array.from({ length: n }, (_, i) => `2026-01-01T00:00:${String(from + i).padStart(2, '0')}Z`);
  const merged = mergeShadowViews([{ routes: [part(10, 1, times(0, 15))] }, { routes: [part(30, 3, times(15, 15))] }]);
  assert.equal(merged.routes.length, 1);
  const r = merged.routes[0];
  assert.equal(r?.compared, 40);
  assert.equal(r?.mismatched, 4);
  assert.equal(r?.mismatchRate, 0.1);
  assert.deepEqual(r?.noData, { timeout: 2, failed: 0, tooLarge: 0, overCapacity: 4, busy: 6 });
  assert.deepEqual(r?.fields, [{ pointer: '/a', mismatched: 4, noise: 2 }]);
  assert.deepEqual(r?.samples.map((s) => s.time), times(10, 20));
});
