/** Bad http upstream config fails at load with its YAML path; good config gets its defaults. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/problems.js';
import type { HttpUpstreamConfig } from '../../../src/config/types.js';

const problems = (yaml: string) => {
  try {
    parseConfig(yaml);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
};

describe('http upstream config', () => {
  it('reports an endpoint URL that is invalid, or carries a path, at its YAML path', () => {
    const found = problems(`
upstreams:
  svc: { type: http, endpoints: ['http://exa mple:80', { url: 'http://127.0.0.1:81/api' }] }
routes: [{ get: /, to: svc }]
`);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0] as string, /^upstreams\.svc\.endpoints\[0\]: 'http:\/\/exa mple:80' is not a valid URL/);
    assert.match(found[1] as string, /^upstreams\.svc\.endpoints\[1\]\.url: .*paths are set on routes/);
  });

  it('rejects an unknown policy and a bad retryOn', () => {
    const found = problems(`
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:81], loadBalancer: { policy: fastest }, retry: { retryOn: [sometimes] } }
routes: [{ get: /, to: svc }]
`).join('\n');
    assert.match(found, /loadBalancer\.policy/);
    assert.match(found, /retry\.retryOn\[0\]/);
  });

  it('rejects http route keys on a fastcgi route', () => {
    const found = problems(`
upstreams:
  php: { type: fastcgi, address: 127.0.0.1:9000, root: /srv }
routes:
  - { get: /p, to: php, stripPrefix: /p }
`).join('\n');
    assert.match(found, /routes\[0\]\.stripPrefix: `stripPrefix` applies to http upstreams only/);
  });

  it('fills every default', () => {
    const { config } = parseConfig(`
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:81], retry: { retryOn: [reset, retriable-status:503] }, loadBalancer: { policy: ring_hash, hashOn: 'header:X-User' } }
routes: [{ get: /, to: svc }]
`);
    const svc = config.upstreams.get('svc') as HttpUpstreamConfig;
    assert.deepEqual(svc.endpoints, [{ url: 'http://127.0.0.1:81', weight: 1, zone: undefined, priority: 0 }]);
    assert.deepEqual(svc.loadBalancer.hashOn, { kind: 'header', name: 'x-user' });
    assert.deepEqual(svc.retry.retryOn, ['reset']);
    assert.deepEqual(svc.retry.retriableStatuses, [503]);
    assert.equal(svc.circuitBreaker.maxRequests, 1024);
    assert.equal(svc.timeouts.connect, 5_000);
    assert.equal(config.routes[0]?.hostHeader, 'preserve');
  });
});
