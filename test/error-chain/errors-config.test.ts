// The errors: keys as the config loader reads them: defaults, a route's expose over the top
// level's, the map rules kept in order, and the schema refusing what is not a rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/problems.js';

const base = `upstreams:\n  svc: { type: http, endpoints: ['http://127.0.0.1:1'] }\n`;

describe('errors: config', () => {
  it('defaults to internal with no rules, and a route may expose publicly', () => {
    const { config } = parseConfig(`${base}routes:\n  - get: /a\n    to: svc\n  - get: /b\n    to: svc\n    errors: { expose: public }\n`, { env: {} });
    assert.deepEqual(config.routes[0]?.errors, { expose: 'internal', map: [] });
    assert.deepEqual(config.routes[1]?.errors, { expose: 'public', map: [] });
  });

  it('gives every route the top-level rules, in order', () => {
    const { config } = parseConfig(
      `${base}errors:\n  expose: public\n  map:\n    - { match: { code: sql.ErrNoRows }, status: 404 }\n    - { match: { source: php, exception: DomainException }, status: 422, title: invalid }\nroutes:\n  - get: /a\n    to: svc\n`,
      { env: {} },
    );
    assert.deepEqual(config.routes[0]?.errors, {
      expose: 'public',
      map: [
        { match: { code: 'sql.ErrNoRows' }, type: undefined, title: undefined, status: 404 },
        { match: { source: 'php', exception: 'DomainException' }, type: undefined, title: 'invalid', status: 422 },
      ],
    });
  });

  const bad: [string, string][] = [
    ['an unknown exposure', 'errors: { expose: secret }\n'],
    ['a rule with nothing to match', 'errors: { map: [ { match: {}, status: 404 } ] }\n'],
    ['a rule that changes nothing', 'errors: { map: [ { match: { code: X } } ] }\n'],
    ['a status that is not an error', 'errors: { map: [ { match: { code: X }, status: 200 } ] }\n'],
    ['an unknown match member', 'errors: { map: [ { match: { message: X }, status: 404 } ] }\n'],
  ];
  for (const [name, yaml] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseConfig(`${base}${yaml}routes:\n  - get: /a\n    to: svc\n`, { env: {} }), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.path.startsWith('errors')));
    });
  }
});
