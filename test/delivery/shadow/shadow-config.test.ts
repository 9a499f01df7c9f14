// A route's shadow: as the config loads: each mistake is one problem at its YAML path and line —
// a target that is no upstream, a sample outside 0..1, a pointer that is not RFC 6901, a shadow
// on a route without a name — and a good one gets its defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError, formatProblem } from '../../../src/config/problems.js';

const config = (shadow: string, name = 'name: items.show') => `listen: 127.0.0.1:0
upstreams:
  legacy: { type: http, endpoints: ['http://127.0.0.1:1'] }
  items: { type: http, endpoints: ['http://127.0.0.1:2'] }
routes:
  - get: /items/{id}
    to: legacy
    ${name}
    shadow: ${shadow}
`;

async function problemsOf(text: string): Promise<string[]> {
  try {
    await loadConfig(text, { file: 'sy.yaml', env: {} });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems.map((p) => formatProblem('sy.yaml', p));
  }
  return [];
}

const cases: readonly { why: string; shadow: string; name?: string; problems: readonly RegExp[] }[] = [
  { why: 'a target that is no upstream', shadow: '{ to: itemz }', problems: [/^sy\.yaml:9:\d+: routes\[0\]\.shadow\.to: unknown upstream 'itemz' \(did you mean 'items'\?\)/] },
  { why: 'a sample above 1', shadow: '{ to: items, sample: 1.5 }', problems: [/^sy\.yaml:9:\d+: routes\[0\]\.shadow\.sample: must be <= 1/] },
  { why: 'a sample below 0', shadow: '{ to: items, sample: -0.1 }', problems: [/routes\[0\]\.shadow\.sample: must be >= 0/] },
  { why: 'an ignore pointer without its slash', shadow: '{ to: items, compare: { ignore: [meta/debug] } }', problems: [/routes\[0\]\.shadow\.compare\.ignore\[0\]: must be an RFC 6901 JSON pointer/] },
  { why: 'a bad escape in a mask pointer', shadow: "{ to: items, compare: { mask: ['/a~2b'] } }", problems: [/routes\[0\]\.shadow\.compare\.mask\[0\]: must be an RFC 6901 JSON pointer/] },
  { why: 'a normalize key that is no pointer', shadow: '{ to: items, compare: { normalize: { price: number } } }', problems: [/routes\[0\]\.shadow\.compare\.normalize\.price: 'price' is not an RFC 6901 JSON pointer/] },
  { why: 'an unnamed route', shadow: '{ to: items }', name: '', problems: [/routes\[0\]\.shadow: a shadowed route needs a `name`/] },
];

for (const c of cases) {
  test(`shadow config: ${c.why} is one problem at its path`, async () => {
    const problems = await problemsOf(config(c.shadow, c.name));
    assert.equal(problems.length, c.problems.length, problems.join('\n'));
    c.problems.forEach((p, i) => assert.match(problems[i] as string, p));
  });
}

test('shadow config: defaults, and header names lowercased', async () => {
  const loaded = await loadConfig(config('{ to: items, compare: { headers: [Content-Type], unordered: [/tags] } }'), { file: 'sy.yaml', env: {} });
  assert.deepEqual(loaded.config.routes[0]?.shadow, {
    to: 'items',
    sample: 1,
    timeout: 2000,
    maxConcurrent: 64,
    methods: ['GET', 'HEAD'],
    maxBodySize: 1024 * 1024,
    compare: { headers: ['content-type'], ignore: [], unordered: ['/tags'], mask: [], normalize: {} },
  });
});
