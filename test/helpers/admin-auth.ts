/**
 * The admin token, endpoint by endpoint: one table generated from the registry
 * (src/admin/endpoints.ts), so an endpoint added there is checked without anyone writing a test
 * for it, against a list of the endpoints meant to be open written out here by hand. Used against
 * the single-process admin listener and against the primary of `serve --workers N`, which answers
 * the same paths with endpoints of its own. With scoped tokens (`admin.tokens`), the read token
 * gets every GET and a 403 on every POST, the write token gets everything.
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

/** The admin tokens a gateway runs with: `admin.token` (both scopes), or `admin.tokens` (read and write). */
export type AdminTokens = string | { readonly read: string; readonly write: string };

/** Registers one test per admin endpoint against the admin listener at `base()`. */
export function adminAuthTable(base: () => string, tokens: AdminTokens): void {
  const token = typeof tokens === 'string' ? tokens : tokens.write;
  const readToken = typeof tokens === 'string' ? undefined : tokens.read;
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
    const scoped = readToken === undefined ? '' : endpoint.method === 'GET' ? ', 200 with the read token' : ', 403 with the read token';
    test(`${key} ${open ? 'is open' : `answers 401 without the token and 200 with it${scoped}`}`, async () => {
      const ask = async (headers: Record<string, string>, query = '') => {
        const res = await fetch(`${base()}${endpoint.path}${query}`, { method: endpoint.method, headers });
        return { status: res.status, challenge: res.headers.get('www-authenticate'), text: await res.text() };
      };
      for (const [what, headers] of [
        ['no token', {}],
        ['a wrong token', { authorization: `Bearer ${token}x` }],
        ['the token without Bearer', { authorization: token }],
        ...(readToken === undefined ? [] : ([['the read token without Bearer', { authorization: readToken }]] as const)),
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
      // A `/*` endpoint's own path names nothing below it: the token gets it past auth to its 404.
      const past = endpoint.path.endsWith('/*') ? 404 : 200;
      if (readToken !== undefined) {
        // Checked before the write token, so a POST that changes state has not run yet.
        const reading = await ask({ authorization: `Bearer ${readToken}` });
        if (open || endpoint.method === 'GET') assert.equal(reading.status, past, `${key} with the read token: ${reading.text}`);
        else {
          assert.equal(reading.status, 403, `${key} with the read token: ${reading.text}`);
          assert.equal((JSON.parse(reading.text) as { code: string }).code, 'SY_ERR_ADMIN_FORBIDDEN');
          assert.equal(reading.challenge, null, 'a known caller lacking the scope is not asked to authenticate');
        }
      }
      const granted = await ask({ authorization: `Bearer ${token}` });
      assert.equal(granted.status, past, `${key} with the token: ${granted.text}`);
      // ?token= is for the page a browser opens from a link, not for the API.
      for (const t of readToken === undefined ? [token] : [token, readToken]) {
        const byQuery = await ask({}, `?token=${encodeURIComponent(t)}`);
        assert.equal(byQuery.status, open || endpoint.tokenInQuery === true ? 200 : 401, `${key}?token=${t === token ? '' : '<read token>'}: ${byQuery.text}`);
      }
    });
  }
}
