// Edge validation against OpenAPI through a real gateway and a real HTTP service: a bad request is
// a 400 listing every violation by pointer and never reaches the service; a good one reaches it
// with its body intact; a drifted response passes, counted and logged, or with enforce: true is
// replaced by a 502; the counter is read from /metrics; 3.0 documents work too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { SPEC_30, SPEC_31, startUsersService, type UsersService } from './users-api.js';

interface Violations {
  code: string;
  status: number;
  errors: { pointer: string; message: string }[];
}

const pointers = (problem: Violations) => problem.errors.map((e) => e.pointer).sort();

describe('edge validation against an OpenAPI operation', () => {
  let svc: UsersService;
  let gw: TestGateway;
  let admin: string;
  const tenant = { 'x-tenant': 'acme' };

  before(async () => {
    svc = await startUsersService();
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'sy-contract-'));
    await writeFile(join(dir, 'users.yaml'), SPEC_31);
    await writeFile(join(dir, 'users-30.yaml'), SPEC_30);
    gw = await startTestGateway(
      `
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  svc: { type: http, endpoints: [${svc.url}] }
routes:
  - get: /users/{id}
    name: users.get
    to: svc
    openapi: { spec: users.yaml, operation: getUser }
  - put: /users/{id}
    name: users.put
    to: svc
    openapi: { spec: users.yaml, operation: putUser, enforce: true }
  - put: /v0/users/{id}
    to: svc
    openapi: { spec: users-30.yaml, operation: putUser, validate: [request] }
`,
      { dir },
    );
    admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
  });
  after(async () => {
    await gw?.stop();
    await svc?.close();
  });

  it('answers a bad request 400 with every violation by pointer, and the service never sees it', async () => {
    const before = svc.received.length;
    const res = await httpRequest(gw.port, '/users/abc?limit=500&tags=a&tags=z&verbose=maybe', { headers: { 'x-tenant': 'ACME' } });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    const problem = res.json<Violations>();
    assert.equal(problem.code, 'SY_ERR_CONTRACT_REQUEST');
    assert.deepEqual(pointers(problem), ['/headers/x-tenant', '/path/id', '/query/limit', '/query/tags/1', '/query/verbose']);
    assert.equal(problem.errors.find((e) => e.pointer === '/query/limit')?.message, 'must be <= 100');
    assert.equal(svc.received.length, before);
  });

  it('coerces parameters from their strings as the schema types them', async () => {
    svc.answer = 'ok';
    const res = await httpRequest(gw.port, '/users/7?limit=100&tags=a&tags=b&verbose=true', { headers: tenant });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { name: 'ada', age: 36, email: null });
  });

  it('names a wrong body member and an extra one', async () => {
    const res = await httpRequest(gw.port, '/users/7', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ada', age: 'old', nick: 'a' }) });
    assert.equal(res.status, 400);
    const problem = res.json<Violations>();
    assert.deepEqual(pointers(problem), ['/body/age', '/body/nick']);
    assert.equal(problem.errors.find((e) => e.pointer === '/body/nick')?.message, 'is not allowed');
  });

  it('counts a body that is not JSON as one violation at /body', async () => {
    const res = await httpRequest(gw.port, '/users/7', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name": "ada",' });
    assert.equal(res.status, 400);
    const problem = res.json<Violations>();
    assert.equal(problem.errors.length, 1);
    assert.equal(problem.errors[0]?.pointer, '/body');
    assert.match(problem.errors[0]?.message ?? '', /^is not JSON/);
  });

  it('sends a valid body on to the service whole, chunked or not', async () => {
    svc.answer = 'ok';
    const body = JSON.stringify({ name: 'grace', age: 85, email: 'g@example.com' });
    const plain = await httpRequest(gw.port, '/users/8', { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    assert.equal(plain.status, 200);
    assert.equal(svc.received.at(-1), body);
    const chunked = await httpRequest(gw.port, '/users/8', { method: 'PUT', headers: { 'content-type': 'application/json' }, body, chunked: 7 });
    assert.equal(chunked.status, 200);
    assert.equal(svc.received.at(-1), body);
  });

  it('passes a drifted response on, counted under its route and logged', async () => {
    svc.answer = 'drifted';
    const before = await sample(admin, { route: 'users.get', side: 'response' });
    const res = await httpRequest(gw.port, '/users/7', { headers: tenant });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { name: 'ada', age: '36', nick: 'a' });
    assert.equal(await sample(admin, { route: 'users.get', side: 'response' }), before + 1);
    const line = gw.logs().find((l) => l['msg'] === 'response breaks the api contract');
    assert.deepEqual((line?.['errors'] as { pointer: string }[]).map((e) => e.pointer).sort(), ['/body/age', '/body/nick']);
  });

  it('counts a status the operation does not declare', async () => {
    svc.answer = 'teapot';
    const before = await sample(admin, { route: 'users.get', side: 'response' });
    const res = await httpRequest(gw.port, '/users/7', { headers: tenant });
    assert.equal(res.status, 418);
    assert.equal(res.text, 'short and stout');
    assert.equal(await sample(admin, { route: 'users.get', side: 'response' }), before + 1);
  });

  it('replaces a drifted response by a 502 with enforce: true', async () => {
    svc.answer = 'drifted';
    const res = await httpRequest(gw.port, '/users/9', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'a', age: 1 }) });
    assert.equal(res.status, 502);
    const problem = res.json<Violations>();
    assert.equal(problem.code, 'SY_ERR_CONTRACT_RESPONSE');
    assert.deepEqual(pointers(problem), ['/body/age', '/body/nick']);
    svc.answer = 'not-json';
    const broken = await httpRequest(gw.port, '/users/9', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'a', age: 1 }) });
    assert.equal(broken.status, 502);
    assert.deepEqual(pointers(broken.json<Violations>()), ['/body']);
  });

  it('counts request violations too', async () => {
    const before = await sample(admin, { route: 'users.get', side: 'request' });
    await httpRequest(gw.port, '/users/0', { headers: tenant });
    assert.equal(await sample(admin, { route: 'users.get', side: 'request' }), before + 1);
  });

  it('reads OpenAPI 3.0 schemas: nullable and boolean exclusiveMinimum', async () => {
    svc.answer = 'ok';
    const ok = await httpRequest(gw.port, '/v0/users/1', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'a', nick: null, score: 1 }) });
    assert.equal(ok.status, 200);
    const bad = await httpRequest(gw.port, '/v0/users/1', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'a', nick: 5, score: 0 }) });
    assert.equal(bad.status, 400);
    assert.deepEqual(pointers(bad.json<Violations>()), ['/body/nick', '/body/score']);
  });
});

/** The value of one sample of `/metrics`, 0 when the series is absent. */
async function sample(admin: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith('switchyard_contract_violations_total{')) continue;
    const have = line.slice(line.indexOf('{') + 1, line.indexOf('}')).split(',');
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(line.slice(line.indexOf('}') + 1).trim());
  }
  return 0;
}
