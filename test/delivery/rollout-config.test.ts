// A rollout or split that cannot work is a load error with its YAML path and line, never a
// surprise on a request: weights that do not increase or exceed 100, a canary that is the
// baseline or does not exist, a rollout on a route without a name, an unknown metric, sticky by
// header without the header's name, and a split and rollout naming different canaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/problems.js';

const HEAD = `
upstreams:
  legacy: { type: http, endpoints: [http://127.0.0.1:1] }
  items: { type: http, endpoints: [http://127.0.0.1:2] }
  items2: { type: http, endpoints: [http://127.0.0.1:3] }
routes:
`;

function problems(routes: string, extra = ''): { path: string; message: string; line?: number | undefined }[] {
  try {
    parseConfig(HEAD + routes + extra);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => ({ path: p.path, message: p.message, line: p.line }));
  }
  return [];
}

test('a good rollout and split load, with their defaults', () => {
  const { config } = parseConfig(`${HEAD}  - get: /a
    name: a
    to: legacy
    split: { canary: items, weight: 5, sticky: cookie }
    rollout: { canary: items, steps: [{ weight: 5 }, { weight: 50, hold: 1m, minSamples: 10 }], analysis: [{ metric: prometheus, query: up, min: 1 }] }
state: { store: redis://127.0.0.1:6379 }
`);
  const route = config.routes[0];
  assert.deepEqual(route?.split, { canary: 'items', weight: 5, sticky: { kind: 'cookie', name: 'switchyard-canary' } });
  assert.deepEqual(route?.rollout?.steps, [{ weight: 5, hold: 0, minSamples: 100 }, { weight: 50, hold: 60_000, minSamples: 10 }]);
  assert.equal(route?.rollout?.interval, 10_000);
  assert.equal(route?.rollout?.onFailure, 'rollback');
  assert.deepEqual(route?.rollout?.analysis, [{ metric: 'prometheus', url: 'http://127.0.0.1:9090', query: 'up', max: undefined, min: 1 }]);
  assert.deepEqual(config.state, { kind: 'redis', url: 'redis://127.0.0.1:6379' });
});

const CASES: [string, string, string, RegExp][] = [
  ['weights that do not increase', `  - get: /a\n    name: a\n    to: legacy\n    rollout: { canary: items, steps: [{ weight: 20 }, { weight: 10 }] }\n`, 'routes[0].rollout.steps[1].weight', /step weights must increase: 10 follows 20/],
  ['a weight above 100', `  - get: /a\n    name: a\n    to: legacy\n    rollout: { canary: items, steps: [{ weight: 150 }] }\n`, 'routes[0].rollout.steps[0].weight', /150 is above 100/],
  ['a canary equal to the baseline', `  - get: /a\n    name: a\n    to: legacy\n    rollout: { canary: legacy, steps: [{ weight: 10 }] }\n`, 'routes[0].rollout.canary', /is the route's baseline/],
  ['a canary upstream that does not exist', `  - get: /a\n    name: a\n    to: legacy\n    split: { canary: itemz, weight: 10 }\n`, 'routes[0].split.canary', /unknown upstream 'itemz' \(did you mean 'items'\?\)/],
  ['a rollout on an unnamed route', `  - get: /a\n    to: legacy\n    rollout: { canary: items, steps: [{ weight: 10 }] }\n`, 'routes[0].rollout', /needs the route to have a `name`/],
  ['an unknown metric', `  - get: /a\n    name: a\n    to: legacy\n    rollout: { canary: items, steps: [{ weight: 10 }], analysis: [{ metric: errRate, maxIncrease: 0.01 }] }\n`, 'routes[0].rollout.analysis[0].metric', /unknown metric 'errRate' \(did you mean 'errorRate'\?\)/],
  ['sticky by header without a header', `  - get: /a\n    to: legacy\n    split: { canary: items, weight: 10, sticky: header }\n`, 'routes[0].split.sticky', /needs `header`/],
  ['split and rollout naming different canaries', `  - get: /a\n    name: a\n    to: legacy\n    split: { canary: items, weight: 10 }\n    rollout: { canary: items2, steps: [{ weight: 10 }] }\n`, 'routes[0].split.canary', /different canaries/],
];

for (const [what, routes, path, message] of CASES) {
  test(`${what} is a load error at ${path}`, () => {
    const found = problems(routes);
    const hit = found.find((p) => p.path === path);
    assert.ok(hit !== undefined, `no problem at ${path}: ${JSON.stringify(found)}`);
    assert.match(hit.message, message);
    assert.equal(typeof hit.line, 'number');
  });
}

test('a prometheus check needs max or min, and errorRate its maxIncrease (schema)', () => {
  const found = problems(`  - get: /a\n    name: a\n    to: legacy\n    rollout: { canary: items, steps: [{ weight: 10 }], analysis: [{ metric: prometheus, query: up }, { metric: errorRate }] }\n`);
  assert.ok(found.some((p) => p.path.startsWith('routes[0].rollout.analysis[0]')), JSON.stringify(found));
  assert.ok(found.some((p) => p.path.startsWith('routes[0].rollout.analysis[1]')), JSON.stringify(found));
});
