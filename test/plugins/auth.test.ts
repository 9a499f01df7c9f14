// jwt, apiKey, basicAuth, ipRestriction and bodyLimit against a real gateway and upstream: what
// passes reaches the upstream (with the claims copied to headers), what does not is a precise
// problem+json that never reaches it; a JWKS URL that is down is a 503 and the gateway keeps
// serving; bad htpasswd and JWKS files fail at load with the line or reason.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { startEchoServer, type EchoServer } from './echo-server.js';
import { runCliCaptured } from '../helpers/run-cli.js';

let echo: EchoServer;
let jwksServer: Server;
let jwksUrl: string;
let jwksBody = '{"keys":[]}';
let jwksHits = 0;
let signer: { privateKey: CryptoKey; kid: string };
let rotated: { privateKey: CryptoKey; kid: string; jwk: object };
let gw: TestGateway;

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
}

const token = (claims: Record<string, unknown>, key = signer, alg = 'ES256', exp: number | string = '5m') =>
  new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid }).setIssuer('https://id.test').setAudience('orders').setIssuedAt().setExpirationTime(exp).sign(key.privateKey);

before(async () => {
  echo = await startEchoServer();
  const first = await keyPair('k1');
  const second = await keyPair('k2');
  signer = first;
  // Published only later (the issuer rotates): a token signed with it must make the gateway refetch.
  rotated = second;
  jwksBody = JSON.stringify({ keys: [first.jwk] });
  jwksServer = createServer((_req, res) => {
    jwksHits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwksBody);
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  const hash = (await bcrypt.hash('s3cret:with colon', 10)).replace(/^\$2b\$/, '$2y$');
  const dir = await mkdtemp(join(tmpdir(), 'sy-auth-'));
  await writeFile(join(dir, 'users.htpasswd'), `# staff\nalice:${hash}\n`);
  gw = await startTestGateway(
    `listen: 127.0.0.1:0
accessLog: off
upstreams:
  svc: { type: http, endpoints: [${echo.url}] }
middleware:
  auth:
    type: jwt
    jwks: ${jwksUrl}
    algorithms: [ES256]
    issuer: https://id.test
    audience: orders
    clockSkew: 5s
    claims: { X-User-Id: sub, X-Roles: roles }
  keys: { type: apiKey, keys: [key-one-0123456789, '\${SECOND_KEY}'], query: api_key }
  staff: { type: basicAuth, file: users.htpasswd, realm: staff }
  office: { type: ipRestriction, allow: [10.0.0.0/8, '::1/128', 127.0.0.0/8], deny: [127.0.0.2/32] }
  outside: { type: ipRestriction, deny: ['127.0.0.0/8'] }
  proxied: { type: ipRestriction, allow: [203.0.113.0/24], trustedProxies: [127.0.0.1/32] }
  small: { type: bodyLimit, max: 16 }
  perUser: { type: rateLimit, rate: 1/h, burst: 1, key: 'claim:sub' }
routes:
  - get: /jwt
    to: svc
    middleware: [auth]
  - get: /jwt-limited
    to: svc
    middleware: [auth, perUser]
  - get: /key
    to: svc
    middleware: [keys]
  - get: /staff
    to: svc
    middleware: [staff]
  - get: /office
    to: svc
    middleware: [office]
  - get: /outside
    to: svc
    middleware: [outside]
  - get: /proxied
    to: svc
    middleware: [proxied]
  - post: /upload
    to: svc
    middleware: [small]
`,
    { dir, env: { SECOND_KEY: 'key-two-from-env' } },
  );
});

after(async () => {
  await gw?.stop();
  await echo.close();
  await new Promise((resolve) => jwksServer.close(resolve));
});

describe('jwt', () => {
  it('forwards a valid token with its claims copied to headers, replacing any the client sent', async () => {
    const res = await httpRequest(gw.port, '/jwt', { headers: { authorization: `Bearer ${await token({ sub: 'u-1', roles: ['a', 'b'] })}`, 'x-user-id': 'forged' } });
    assert.equal(res.status, 200, res.text);
    const seen = res.json<{ headers: Record<string, string> }>().headers;
    assert.equal(seen['x-user-id'], 'u-1');
    assert.equal(seen['x-roles'], '["a","b"]');
  });

  it('answers 401 problem+json with a Bearer challenge, and forwards nothing, for each bad token', async () => {
    const other = await keyPair('k1');
    const cases: [string, Record<string, string>, RegExp][] = [
      ['no token', {}, /no bearer token/],
      ['expired beyond the skew', { authorization: `Bearer ${await token({ sub: 'x' }, signer, 'ES256', Math.floor(Date.now() / 1000) - 60)}` }, /expired/],
      ['wrong audience', { authorization: `Bearer ${await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer('https://id.test').setAudience('billing').setExpirationTime('5m').sign(signer.privateKey)}` }, /claim 'aud'/],
      ['no exp', { authorization: `Bearer ${await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer('https://id.test').setAudience('orders').sign(signer.privateKey)}` }, /claim 'exp'/],
      ['signed by another key with the same kid', { authorization: `Bearer ${await token({ sub: 'x' }, other)}` }, /signature does not verify/],
      ['alg none', { authorization: `Bearer eyJhbGciOiJub25lIiwia2lkIjoiazEifQ.eyJzdWIiOiJ4In0.` }, /algorithm|malformed/],
      ['garbage', { authorization: 'Bearer not.a.token' }, /malformed/],
    ];
    const before = echo.seen.length;
    for (const [what, headers, detail] of cases) {
      const res = await httpRequest(gw.port, '/jwt', { headers });
      assert.equal(res.status, 401, what);
      assert.equal(res.json()['code'], 'SY_ERR_JWT_INVALID', what);
      assert.match(String(res.json()['detail']), detail, what);
      assert.match(String(res.headers['www-authenticate']), /^Bearer realm="switchyard"/, what);
    }
    assert.equal(echo.seen.length, before, 'no refused request reached the upstream');
  });

  it('leaves out a claim that would break a header line, and still forwards the request', async () => {
    const res = await httpRequest(gw.port, '/jwt', { headers: { authorization: `Bearer ${await token({ sub: 'u-3\r\nX-Injected: 1', roles: ['ok'] })}` } });
    assert.equal(res.status, 200, res.text);
    const seen = res.json<{ headers: Record<string, string> }>().headers;
    assert.equal(seen['x-user-id'], undefined);
    assert.equal(seen['x-injected'], undefined);
    assert.equal(seen['x-roles'], '["ok"]');
  });

  it('refetches the JWKS when a token names a key id it lacks (the issuer rotated)', async () => {
    jwksBody = JSON.stringify({ keys: [...(JSON.parse(jwksBody) as { keys: unknown[] }).keys, rotated.jwk] });
    const hits = jwksHits;
    const res = await httpRequest(gw.port, '/jwt', { headers: { authorization: `Bearer ${await token({ sub: 'u-2' }, rotated)}` } });
    assert.equal(res.status, 200, res.text);
    assert.equal(jwksHits, hits + 1);
  });

  it('keys a rate limit by a claim of the verified token', async () => {
    const a = `Bearer ${await token({ sub: 'limited-a' })}`;
    const b = `Bearer ${await token({ sub: 'limited-b' })}`;
    const statuses = [];
    for (const authorization of [a, a, b]) statuses.push((await httpRequest(gw.port, '/jwt-limited', { headers: { authorization } })).status);
    assert.deepEqual(statuses, [200, 429, 200]);
  });
});

describe('jwt with its JWKS URL down', () => {
  it('answers 503 SY_ERR_JWT_KEYS_UNAVAILABLE naming the URL, logs it, and the gateway keeps serving', async () => {
    const down = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
upstreams:
  svc: { type: http, endpoints: [${echo.url}] }
middleware:
  auth: { type: jwt, jwks: 'http://127.0.0.1:9/jwks.json', algorithms: [ES256] }
routes:
  - get: /jwt
    to: svc
    middleware: [auth]
  - get: /open
    to: svc
`);
    try {
      const res = await httpRequest(down.port, '/jwt', { headers: { authorization: `Bearer ${await token({ sub: 'x' })}` } });
      assert.equal(res.status, 503);
      assert.equal(res.json()['code'], 'SY_ERR_JWT_KEYS_UNAVAILABLE');
      assert.match(String(res.json()['detail']), /http:\/\/127\.0\.0\.1:9\/jwks\.json/);
      assert.equal((await httpRequest(down.port, '/open')).status, 200);
      assert.ok(down.logs().some((l) => l['msg'] === 'cannot load the JWKS'));
    } finally {
      await down.stop();
    }
  });
});

describe('apiKey', () => {
  it('accepts each configured key (one from the environment) in the header or the query parameter', async () => {
    assert.equal((await httpRequest(gw.port, '/key', { headers: { 'x-api-key': 'key-one-0123456789' } })).status, 200);
    assert.equal((await httpRequest(gw.port, '/key', { headers: { 'x-api-key': 'key-two-from-env' } })).status, 200);
    assert.equal((await httpRequest(gw.port, '/key?api_key=key-two-from-env')).status, 200);
  });

  it('refuses a missing, wrong or prefix key with 401 SY_ERR_API_KEY_INVALID', async () => {
    for (const headers of [{}, { 'x-api-key': 'key-one-012345678' }, { 'x-api-key': 'key-one-0123456789x' }, { 'x-api-key': '${SECOND_KEY}' }]) {
      const res = await httpRequest(gw.port, '/key', { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.json()['code'], 'SY_ERR_API_KEY_INVALID');
    }
  });
});

describe('basicAuth', () => {
  const basic = (pair: string) => ({ authorization: `Basic ${Buffer.from(pair).toString('base64')}` });
  it('accepts the htpasswd user (a $2y$ bcrypt hash, a password with a colon) and answers again from the cache', async () => {
    assert.equal((await httpRequest(gw.port, '/staff', { headers: basic('alice:s3cret:with colon') })).status, 200);
    assert.equal((await httpRequest(gw.port, '/staff', { headers: basic('alice:s3cret:with colon') })).status, 200);
  });

  it('refuses wrong passwords, unknown users and missing credentials with a Basic challenge', async () => {
    for (const headers of [basic('alice:wrong'), basic('mallory:s3cret:with colon'), {}, { authorization: 'Basic !!!' }]) {
      const res = await httpRequest(gw.port, '/staff', { headers });
      assert.equal(res.status, 401);
      assert.equal(res.json()['code'], 'SY_ERR_BASIC_AUTH_INVALID');
      assert.equal(res.headers['www-authenticate'], 'Basic realm="staff", charset="UTF-8"');
    }
  });
});

describe('ipRestriction', () => {
  it('allows a listed network and refuses with 403 when deny matches or allow does not', async () => {
    assert.equal((await httpRequest(gw.port, '/office')).status, 200);
    const res = await httpRequest(gw.port, '/outside');
    assert.equal(res.status, 403);
    assert.equal(res.json()['code'], 'SY_ERR_IP_FORBIDDEN');
    assert.match(String(res.json()['detail']), /127\.0\.0\.1 is on the deny list/);
  });

  it('strips a forged X-Switchyard-User even where no phpSession middleware is configured', async () => {
    const res = await httpRequest(gw.port, '/office', { headers: { 'x-switchyard-user': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' } });
    assert.equal(res.json<{ headers: Record<string, string> }>().headers['x-switchyard-user'], undefined);
  });

  it('reads the client from X-Forwarded-For only through a trusted proxy', async () => {
    assert.equal((await httpRequest(gw.port, '/proxied', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status, 200);
    assert.equal((await httpRequest(gw.port, '/proxied', { headers: { 'x-forwarded-for': '198.51.100.1' } })).status, 403);
    assert.equal((await httpRequest(gw.port, '/proxied')).status, 403);
  });
});

describe('bodyLimit', () => {
  it('passes a body within the limit, and answers 413 for a larger one, declared or chunked, before the upstream has it whole', async () => {
    assert.equal((await httpRequest(gw.port, '/upload', { method: 'POST', body: 'x'.repeat(16) })).status, 200);
    const small = await httpRequest(gw.port, '/upload', { method: 'POST', body: 'y'.repeat(16), chunked: 4 });
    assert.equal(small.status, 200);
    assert.equal(small.json()['bodyLength'], 16, 'a chunked body read by the filter still reaches the upstream whole');
    const declared = await httpRequest(gw.port, '/upload', { method: 'POST', body: 'x'.repeat(17) });
    assert.equal(declared.status, 413);
    assert.equal(declared.json()['code'], 'SY_ERR_BODY_TOO_LARGE');
    const chunked = await httpRequest(gw.port, '/upload', { method: 'POST', body: 'x'.repeat(4096), chunked: 8 });
    assert.equal(chunked.status, 413);
    assert.match(String(chunked.json()['detail']), /chunked request body exceeds this route's limit of 16 bytes/);
    assert.ok(echo.seen.every((s) => s.bodyLength <= 16));
  });
});

describe('bad plugin config fails at load, with the reason', () => {
  it('reports a non-bcrypt htpasswd line, an unreadable JWKS file, a bad CIDR and a bad rate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sy-badplugins-'));
    await writeFile(join(dir, 'md5.htpasswd'), 'bob:$apr1$abc$0123456789abcdefghijkl\n');
    await writeFile(join(dir, 'jwks.json'), '{"nope": 1}');
    await writeFile(
      join(dir, 'switchyard.yaml'),
      `listen: 127.0.0.1:0
middleware:
  staff: { type: basicAuth, file: md5.htpasswd }
  auth: { type: jwt, jwks: jwks.json }
  office: { type: ipRestriction, allow: [10.0.0.0/33, not-an-ip] }
  limit: { type: rateLimit, rate: 100/day, key: cookie }
  session: { type: phpSession, store: 'files:./sessions', claims: { sub: user_id }, cache: 5s }
  session2: { type: phpSession, store: 'files:./sessions', claims: { sub: user_id } }
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:9] }
  legacy: { type: fastcgi, address: 'unix:${dir}/php.sock', root: '${dir}' }
routes:
  - get: /
    to: svc
  - get: /php
    to: legacy
    middleware: [session2]
  - get: /api/me
    name: me
    to: svc
    split: { canary: legacy, weight: 10 }
    middleware: [session2]
`,
    );
    const out = await runCliCaptured(['validate', '-c', join(dir, 'switchyard.yaml')]);
    assert.equal(out.code, 1, out.stdout + out.stderr);
    const text = out.stdout + out.stderr;
    assert.match(text, /md5\.htpasswd:1: user 'bob' has no bcrypt hash/);
    assert.match(text, /jwks\.json is not a JWKS/);
    assert.match(text, /'10\.0\.0\.0\/33' has a prefix length outside 0-32/);
    assert.match(text, /'not-an-ip' is not an IPv4 or IPv6 address or CIDR/);
    assert.match(text, /'100\/day' is not a rate/);
    assert.match(text, /'cookie' is not ip, route, header:<name> or claim:<name>/);
    assert.match(text, /'5s' is not a duration of at most 2s \(a logout must be seen soon\)/);
    assert.match(text, /routes\[1\]\.middleware.*middleware 'session2' \(phpSession\) cannot be used on a route whose requests reach the PHP upstream 'legacy'/);
    // A split whose canary is PHP would hand the signed user to PHP for the canary's share.
    assert.match(text, /routes\[2\]\.middleware.*middleware 'session2' \(phpSession\) cannot be used on a route whose requests reach the PHP upstream 'legacy'/);
  });
});

describe('switchyard validate with plugins that name network stores', () => {
  it('checks the config and exits: nothing is connected that would keep the process alive (regression: it hung)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sy-validate-plugins-'));
    await writeFile(
      join(dir, 'switchyard.yaml'),
      `listen: 127.0.0.1:0
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:9] }
middleware:
  limit: { type: rateLimit, rate: 10/s, store: 'redis://127.0.0.1:9' }
  session: { type: phpSession, store: 'redis://127.0.0.1:9', claims: { sub: user_id } }
  auth: { type: jwt, jwks: 'http://127.0.0.1:9/jwks.json' }
routes:
  - get: /
    to: svc
    middleware: [limit, session, auth]
`,
    );
    const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'validate', '-c', join(dir, 'switchyard.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
    assert.match(out, /ok \(1 routes, 1 upstreams\)/);
  });
});
