// phpSession against sessions written by real PHP through a real php-fpm, both stores (files and
// Redis through phpredis): the claims reach a node service as a JWT it verifies against the
// gateway's JWKS; a logout is seen; a forged header never passes; bad cookies and bad session
// files give no header and the gateway keeps serving.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { until } from '../helpers/until.js';
import { startSessionPhp, type SessionPhp } from './php-app.js';
import { startVerifier, type VerifierService } from './verifier-service.js';
import { startEchoServer, type EchoServer } from './echo-server.js';
import { startRedis, type TestRedis } from './redis-server.js';

const EXPECTED_CLAIMS = {
  sub: '42',
  name: 'O\'Brien "the|pipe"; x|y:1:{',
  roles: ['admin', 'editor'],
  prefs: { theme: 'dark', size: 3 },
  ratio: 0.25,
  active: true,
  nothing: null,
  nested: { 0: [1, 2], 1: { deep: [true, false] }, 7: 'sparse' },
  plan: 'pro',
  unicode: 'Zoë ☃',
};

function gatewayYaml(php: SessionPhp, store: string, verifier: VerifierService, echo: EchoServer, serializer = 'php'): string {
  return `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  legacy: { type: fastcgi, address: 'unix:${php.fpm.socketPath}', root: '${php.root}', scripts: ['*.php'] }
  users: { type: http, endpoints: [${verifier.url}] }
  other: { type: http, endpoints: [${echo.url}] }
middleware:
  session:
    type: phpSession
    store: '${store}'
    claims: { sub: user_id, name: name, roles: roles, prefs: prefs, ratio: ratio, active: active, nothing: nothing, nested: nested, plan: account.plan, unicode: unicode, missing: not_there }
    cache: 1s
    serializer: ${serializer}
routes:
  - get: /api/me
    to: users
    middleware: [session]
  - get: /other
    to: other
  - get: /api/raw
    to: other
    middleware: [session]
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
`;
}

async function login(gw: TestGateway, script = 'login.php'): Promise<string> {
  const res = await httpRequest(gw.port, `/${script}`);
  assert.equal(res.status, 200, res.text);
  const cookie = String(res.headers['set-cookie']).match(/PHPSESSID=([^;]+)/)?.[1];
  assert.ok(cookie !== undefined && cookie === res.text, `PHP set the session cookie: ${res.text}`);
  return cookie;
}

async function me(gw: TestGateway, headers: Record<string, string>): Promise<{ status: number; user: Record<string, unknown> | null; kid?: string }> {
  const res = await httpRequest(gw.port, '/api/me', { headers });
  return { status: res.status, ...res.json<{ user: Record<string, unknown> | null; kid?: string }>() };
}

for (const [store, serializer] of [['files', 'php'], ['redis', 'php'], ['files', 'php_serialize']] as const) {
  describe(`phpSession, sessions PHP wrote to ${store} with session.serialize_handler = ${serializer}`, () => {
    let php: SessionPhp;
    let redis: TestRedis | undefined;
    let verifier: VerifierService;
    let echo: EchoServer;
    let gw: TestGateway;
    before(async () => {
      if (store === 'redis') redis = await startRedis();
      php = await startSessionPhp(redis?.port, serializer);
      verifier = await startVerifier();
      echo = await startEchoServer();
      gw = await startTestGateway(gatewayYaml(php, redis === undefined ? `files:${php.sessions}` : redis.url, verifier, echo, serializer));
      verifier.jwksUrl = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    after(async () => {
      await gw?.stop();
      await verifier?.close();
      await echo?.close();
      await php?.stop();
      await redis?.stop();
    });

    it('passes the session as an EdDSA JWT the service verifies against the JWKS: every PHP type mapped', async () => {
      const id = await login(gw);
      const res = await me(gw, { cookie: `PHPSESSID=${id}` });
      assert.equal(res.status, 200, JSON.stringify(res));
      const { iat, exp, iss, ...claims } = res.user as Record<string, unknown>;
      assert.deepEqual(claims, EXPECTED_CLAIMS);
      assert.equal(iss, 'switchyard');
      assert.equal((exp as number) - (iat as number), 60, 'exp is set, ttl 60 s');
      const jwks = (await (await fetch(verifier.jwksUrl)).json()) as { keys: { kid: string; crv: string; alg: string }[] };
      assert.ok(jwks.keys.some((k) => k.kid === res.kid && k.crv === 'Ed25519' && k.alg === 'EdDSA'));
    });

    it('sees a logout (session_destroy) within about two seconds', async () => {
      const id = await login(gw, 'login.php?id=7');
      assert.equal((await me(gw, { cookie: `PHPSESSID=${id}` })).user?.['sub'], '7');
      await httpRequest(gw.port, '/logout.php', { headers: { cookie: `PHPSESSID=${id}` } });
      const startedAt = Date.now();
      assert.ok(await until(async () => (await me(gw, { cookie: `PHPSESSID=${id}` })).user === null, 5_000));
      // The cache holds an answer 1 s; the rest of the bound is room for a loaded machine's requests.
      assert.ok(Date.now() - startedAt < 3_000, `logout seen after ${Date.now() - startedAt} ms`);
    });

    it('sends no header for a session without the sub key (not logged in) or an unknown id', async () => {
      const id = await login(gw, 'anonymous.php');
      assert.equal((await me(gw, { cookie: `PHPSESSID=${id}` })).user, null);
      assert.equal((await me(gw, { cookie: 'PHPSESSID=abcdefghijklmnopqrstuvwxyz' })).user, null);
      assert.equal((await me(gw, {})).user, null);
    });

    it('never lets a forged X-Switchyard-User through, on the session route or any other', async () => {
      const forged = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.';
      assert.equal((await me(gw, { 'x-switchyard-user': forged })).user, null);
      const id = await login(gw);
      const withSession = await me(gw, { 'x-switchyard-user': forged, cookie: `PHPSESSID=${id}` });
      assert.equal(withSession.user?.['sub'], '42', 'the gateway replaced the forged value with its own token');
      const other = await httpRequest(gw.port, '/other', { headers: { 'X-Switchyard-User': forged } });
      assert.equal(other.json<{ headers: Record<string, string> }>().headers['x-switchyard-user'], undefined);
    });

    it('never sends the user header to PHP, even with a valid session', async () => {
      const id = await login(gw);
      const dump = `<?php header('Content-Type: application/json'); echo json_encode(['user' => $_SERVER['HTTP_X_SWITCHYARD_USER'] ?? null]);`;
      await writeFile(join(php.root, 'dump.php'), dump);
      const res = await httpRequest(gw.port, '/dump.php', { headers: { cookie: `PHPSESSID=${id}`, 'x-switchyard-user': 'forged' } });
      assert.deepEqual(res.json(), { user: null });
    });

    it('refuses ids PHP would not make (traversal, NUL, 300 characters): no header, logged, still serving', async () => {
      for (const bad of ['../../etc/passwd', '..%2F..%2Fsessions%2Fsess_x', 'abc%00def', 'a'.repeat(300)]) {
        const res = await me(gw, { cookie: `PHPSESSID=${bad}` });
        assert.deepEqual([res.status, res.user], [200, null], bad);
      }
      assert.ok(gw.logs().filter((l) => l['msg'] === 'php session id refused; no user header').length >= 4);
      assert.equal((await me(gw, { cookie: `PHPSESSID=${await login(gw)}` })).user?.['sub'], '42');
    });

    it('gives no header for a session that is not PHP serialize format or is too large, and says why', async () => {
      const write = async (id: string, bytes: string) => {
        if (redis !== undefined) await redis.client.set(`PHPREDIS_SESSION:${id}`, bytes);
        else await writeFile(join(php.sessions, `sess_${id}`), bytes);
      };
      await write('garbage0000000000000000001', '{"user_id": 42}');
      await write('truncated00000000000000001', serializer === 'php' ? 'user_id|i:42;name|s:10:"short";' : 'a:2:{s:7:"user_id";i:42;s:4:"name";s:10:"short";}');
      await write('huge000000000000000000000001', `user_id|i:42;blob|s:100000:"${'x'.repeat(100_000)}";`);
      for (const id of ['garbage0000000000000000001', 'truncated00000000000000001']) {
        assert.equal((await me(gw, { cookie: `PHPSESSID=${id}` })).user, null, id);
      }
      assert.equal((await me(gw, { cookie: 'PHPSESSID=huge000000000000000000000001' })).user, null);
      const reasons = gw.logs().filter((l) => typeof l['reason'] === 'string').map((l) => l['reason'] as string);
      assert.ok(reasons.some((r) => (serializer === 'php' ? /expected '\|'/ : /'\{:' values/).test(r)), reasons.join('\n'));
      assert.ok(reasons.some((r) => /runs past the end/.test(r)), reasons.join('\n'));
      assert.ok(reasons.some((r) => /larger than 65536/.test(r)), reasons.join('\n'));
    });

    it('sends a compact JWS with alg EdDSA, a kid and typ JWT, to the routes that list the middleware only', async () => {
      const id = await login(gw);
      const raw = await httpRequest(gw.port, '/api/raw', { headers: { cookie: `PHPSESSID=${id}` } });
      const token = raw.json<{ headers: Record<string, string> }>().headers['x-switchyard-user'] as string;
      assert.deepEqual(Object.keys(decodeProtectedHeader(token)).sort(), ['alg', 'kid', 'typ']);
      assert.equal(decodeProtectedHeader(token).alg, 'EdDSA');
      assert.equal(decodeJwt(token).sub, '42');
      const other = await httpRequest(gw.port, '/other', { headers: { cookie: `PHPSESSID=${id}` } });
      assert.equal(other.json<{ headers: Record<string, string> }>().headers['x-switchyard-user'], undefined);
    });
    if (store === 'redis') {
      // Last: it stops Redis.
      it('gives no header while the session store is down, says why, and keeps serving', async () => {
        // A session the gateway has not read yet, so no cached answer stands in for the store.
        const id = await login(gw);
        await redis?.stop();
        const res = await me(gw, { cookie: `PHPSESSID=${id}` });
        assert.deepEqual([res.status, res.user], [200, null]);
        assert.ok(gw.logs().some((l) => l['msg'] === 'php session not read; no user header' && /redis at redis:\/\/127\.0\.0\.1/.test(String(l['reason']))));
        assert.equal((await httpRequest(gw.port, '/other')).status, 200);
      });
    }
  });
}
