// Table-driven checks of the pieces that decide how requests are grouped: route patterns by
// segment shape, collapsing by sibling count, and IPv4 clients counted as numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routePattern } from '../../../src/tools/logs/aggregate/route-pattern.js';
import { collapseRoutes } from '../../../src/tools/logs/aggregate/collapse-routes.js';
import { newRouteTotals } from '../../../src/tools/logs/aggregate/stats.js';
import { ipv4Key, ipv4String } from '../../../src/tools/logs/aggregate/ipv4-key.js';

const shapes: [string, string][] = [
  ['/user/123', '/user/{id}'],
  ['/user/123/posts/456', '/user/{id}/posts/{id2}'],
  ['/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301', '/orders/{uuid}'],
  ['/blob/9b2c1f0e4d5a6b7c8d9e0f1a', '/blob/{hash}'],
  ['/archive/2024-01-31', '/archive/{date}'],
  ['/export/42.json', '/export/{id}.json'],
  ['/share/aZ3kP9qL2mX7vB1nC8dR4tY', '/share/{token}'],
  ['/presentations/logstash-monitorama-2013/', '/presentations/logstash-monitorama-2013/'],
  ['/image/200x200', '/image/200x200'],
  ['http://example.test/user/7', '/user/{id}'],
  ['/', '/'],
];
for (const [path, pattern] of shapes) {
  test(`route pattern of ${path} is ${pattern}`, () => assert.equal(routePattern(path), pattern));
}

function totals(requests: number) {
  const t = newRouteTotals();
  t.requests = requests;
  return t;
}

test('many distinct last segments become {param}; few stay literal; the first segment never does', () => {
  const routes = new Map([
    ...Array.from({ length: 25 }, (_, i) => [`/blog/post-${i}`, totals(2)] as const),
    ...Array.from({ length: 25 }, (_, i) => [`/section-${i}`, totals(1)] as const),
    ['/about/team', totals(5)],
    ['/about/jobs', totals(3)],
  ]);
  const out = collapseRoutes(routes, 20);
  assert.equal(out.get('/blog/{param}')?.requests, 50);
  assert.equal(out.get('/about/team')?.requests, 5);
  assert.equal(out.get('/section-3')?.requests, 1);
  assert.equal(out.size, 1 + 2 + 25);
});

test('many distinct middle segments collapse only when what follows them is alike', () => {
  const alike = new Map(Array.from({ length: 30 }, (_, i) => [`/u/name${i}/posts`, totals(1)] as const));
  assert.deepEqual([...collapseRoutes(alike, 20).keys()], ['/u/{param}/posts']);
  const unlike = new Map(Array.from({ length: 30 }, (_, i) => [`/docs/page${i}/part${i}`, totals(1)] as const));
  assert.equal(collapseRoutes(unlike, 20).size, 30);
});

test('IPv4 keys round-trip, and text that would not print back the same stays text', () => {
  for (const ip of ['0.0.0.0', '10.0.64.250', '255.255.255.255', '192.168.1.1']) assert.equal(ipv4String(ipv4Key(ip)), ip);
  for (const other of ['010.0.0.1', '256.1.1.1', '1.2.3', '1.2.3.4.5', '::1', '1..2.3', 'host.example', '']) assert.equal(ipv4Key(other), -1, other);
});
