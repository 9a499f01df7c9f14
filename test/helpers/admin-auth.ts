/**
 * The admin token, endpoint by endpoint: one table generated from the registry
 * (src/admin/endpoints.ts), so an endpoint added there is checked without anyone writing a test
 * for it, against a list of the endpoints meant to be open written out here by hand. Used against
 * the single-process admin listener and against the primary of `serve --workers N`, which answers
 * the same paths with endpoints of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminEndpoints } from '../../src/admin/endpoints.js';

/**
 * Reachable without the token. Everything else needs it. Written out rather than read from the
 * endpoints' `open` flags: opening an endpoint must change this list too.
 */
export const EXPECTED_OPEN: readonly string[] = [
  // SPEC section 2: probes.
  'GET /healthz',
  'GET /ready',
  // SPEC section 2: public keys of phpSession.
  'GET /.well-known/jwks.json',
  // The dashboard's script and style: code without data (the page and its state need the token).
  'GET /dashboard/dashboard.js',
  'GET /dashboard/dashboard.css',
  'GET /dashboard/uplot.js',
  'GET /dashboard/uplot.css',
];

/** Registers one test per admin endpoint against the admin listener at `base()`. */
export function adminAuthTable(base: () => string, token: string): void {
  test('the open endpoints are the ones listed, and only those', () => {
    const open = adminEndpoints.filter((e) => e.open === true).map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(
      open.filter((key) => !EXPECTED_OPEN.includes(key)),
      [],
      'an endpoint is open that the list does not name',
    );
  });

  for (const endpoint of adminEndpoints) {
    const key = `${endpoint.method} ${endpoint.path}`;
    const open = EXPECTED_OPEN.includes(key);
    test(`${key} ${open ? 'is open' : 'answers 401 without the token and 200 with it'}`, async () => {
      const ask = async (headers: Record<string, string>, query = '') => {
        const res = await fetch(`${base()}${endpoint.path}${query}`, { method: endpoint.method, headers });
        return { status: res.status, challenge: res.headers.get('www-authenticate'), text: await res.text() };
      };
      for (const [what, headers] of [
        ['no token', {}],
        ['a wrong token', { authorization: `Bearer ${token}x` }],
        ['the token without Bearer', { authorization: token }],
      ] as const) {
        const res = await ask(headers);
        if (open) {
          assert.equal(res.status, 200, `${key} with ${what}: ${res.text}`);
          continue;
        }
        assert.equal(res.status, 401, `${key} with ${what}: ${res.text}`);
        assert.equal(res.challenge, 'Bearer realm="switchyard-admin"');
        assert.equal((JSON.parse(res.text) as { code: string }).code, 'SY_ERR_ADMIN_UNAUTHORIZED');
      }
      const granted = await ask({ authorization: `Bearer ${token}` });
      // A `/*` endpoint's own path names nothing below it: the token gets it past auth to its 404.
      assert.equal(granted.status, endpoint.path.endsWith('/*') ? 404 : 200, `${key} with the token: ${granted.text}`);
      // ?token= is for the page a browser opens from a link, not for the API.
      const byQuery = await ask({}, `?token=${encodeURIComponent(token)}`);
      assert.equal(byQuery.status, open || endpoint.tokenInQuery === true ? 200 : 401, `${key}?token=: ${byQuery.text}`);
    });
  }
}
