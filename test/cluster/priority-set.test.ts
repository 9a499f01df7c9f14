/** Priority spill and zone preference, table-driven over endpoint health. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Endpoint } from '../../src/cluster/endpoint.js';
import { PrioritySet, levelHealth } from '../../src/cluster/priority-set.js';

const ep = (i: number, priority: number, zone?: string) => new Endpoint({ url: `http://10.0.${priority}.${i}:80`, weight: 1, zone, priority }, i);

describe('priority set', () => {
  const cases: { name: string; down: number[]; random: number; expect: number[] }[] = [
    { name: 'all healthy: priority 0 only', down: [], random: 0.99, expect: [0, 1, 2, 3, 4] },
    { name: 'one of five down: priority 0 still takes all (5 x 0.8 x 1.4 > 100%)', down: [0], random: 0.99, expect: [1, 2, 3, 4] },
    { name: 'three of five down: 56% stays, a high draw spills to priority 1', down: [0, 1, 2], random: 0.9, expect: [5, 6] },
    { name: 'three of five down: a low draw stays', down: [0, 1, 2], random: 0.1, expect: [3, 4] },
    { name: 'all of priority 0 down: priority 1', down: [0, 1, 2, 3, 4], random: 0.1, expect: [5, 6] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const eps = [0, 1, 2, 3, 4].map((i) => ep(i, 0)).concat([5, 6].map((i) => ep(i, 1)));
      for (const i of c.down) (eps[i] as Endpoint).healthy = false;
      const set = new PrioritySet(eps, undefined);
      assert.deepEqual(set.candidates(undefined, c.random).map((e) => e.index), c.expect);
    });
  }

  it('keeps to the local zone while ~72% of it is usable', () => {
    const eps = [ep(0, 0, 'a'), ep(1, 0, 'a'), ep(2, 0, 'a'), ep(3, 0, 'a'), ep(4, 0, 'b')];
    const set = new PrioritySet(eps, 'a');
    assert.deepEqual(set.candidates(undefined, 0.5).map((e) => e.index), [0, 1, 2, 3]);
    (eps[0] as Endpoint).healthy = false; // 3 of 4 = 75% x 1.4 > 100%
    assert.deepEqual(set.candidates(undefined, 0.5).map((e) => e.index), [1, 2, 3]);
    (eps[1] as Endpoint).healthy = false; // 2 of 4: the zone is not enough, use the level
    assert.deepEqual(set.candidates(undefined, 0.5).map((e) => e.index), [2, 3, 4]);
  });

  it('avoids endpoints already tried while others remain', () => {
    const eps = [ep(0, 0), ep(1, 0)];
    const set = new PrioritySet(eps, undefined);
    assert.deepEqual(set.candidates(new Set([eps[0] as Endpoint])).map((e) => e.index), [1]);
    assert.deepEqual(set.candidates(new Set(eps)).map((e) => e.index), [0, 1]);
  });

  it('counts health with the 1.4 overprovisioning factor', () => {
    const eps = [ep(0, 0), ep(1, 0)];
    (eps[0] as Endpoint).ejection = 'ejected';
    assert.equal(levelHealth(eps), 70);
  });
});
