// Error chains through a real gateway in front of a real HTTP service: an upstream's problem+json
// or X-Error-Chain 5xx becomes the gateway's problem with the upstream's causes closing the chain;
// other bodies pass; mapping rules and `expose: public`; malformed headers dropped both ways.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest, type HttpResult } from '../helpers/http-request.js';
import { parseRawResponse, rawRequest } from '../helpers/raw-http.js';
import { SERVICE_CHAIN, b64json, startErrorService, type ErrorService } from './error-service.js';

interface Link {
  source: string;
  detail: string;
  [member: string]: unknown;
}

const headerChain = (res: HttpResult): Link[] => JSON.parse(Buffer.from(String(res.headers['x-error-chain']), 'base64').toString('utf8')) as Link[];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('error chains across an http upstream', () => {
  let svc: ErrorService;
  let twin: ErrorService;
  let gw: TestGateway;
  let dead: number;

  before(async () => {
    svc = await startErrorService();
    twin = await startErrorService();
    dead = await closedPort();
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
limits: { headerSize: 256kb }
errors:
  map:
    - match: { source: go, code: sql.ErrNoRows }
      type: https://api.example/problems/not-found
      title: resource not found
      status: 404
upstreams:
  svc: { type: http, endpoints: [${svc.url}], outlierDetection: { consecutive5xx: 0, consecutiveGatewayFailure: 0 } }
  pair: { type: http, endpoints: [${svc.url}, ${twin.url}], retry: { attempts: 2, retryOn: ['retriable-status:503'] }, outlierDetection: { consecutive5xx: 0, consecutiveGatewayFailure: 0 } }
  dead: { type: http, endpoints: ['http://127.0.0.1:${dead}'], retry: { attempts: 1 } }
routes:
  - any: /svc/{rest}
    where: { rest: '.*' }
    to: svc
  - any: /public/{rest}
    where: { rest: '.*' }
    to: svc
    errors: { expose: public }
  - get: /dead
    to: dead
  - get: /flaky
    to: pair
`);
  });
  after(async () => {
    await gw?.stop();
    await svc?.close();
    await twin?.close();
  });

  it("turns an upstream's problem+json 5xx into the gateway's problem, the upstream's status and causes kept", async () => {
    const res = await httpRequest(gw.port, '/svc/problem');
    assert.equal(res.status, 503);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    assert.equal(res.headers['retry-after'], '5');
    const problem = res.json<{ code: string; status: number; chain: Link[] }>();
    assert.equal(problem.code, 'SY_ERR_UPSTREAM_ERROR');
    assert.equal(problem.status, 503);
    assert.deepEqual(problem.chain, [
      { source: 'http', status: 503, type: 'https://errors.example/db-down', title: 'database unavailable', detail: 'primary at 10.0.0.5:3306 refused', code: 'DB_DOWN' },
      { source: 'mysql', detail: 'connect ECONNREFUSED 10.0.0.5:3306' },
    ]);
    const header = headerChain(res);
    assert.equal(header[0]?.source, 'gateway');
    assert.equal(header[0]?.code, 'SY_ERR_UPSTREAM_ERROR');
    assert.deepEqual(header.slice(1), problem.chain);
  });

  it("maps an upstream's X-Error-Chain 5xx by the rules: a Go sql.ErrNoRows is a public 404", async () => {
    const res = await httpRequest(gw.port, '/svc/chain');
    assert.equal(res.status, 404);
    const problem = res.json<{ type: string; title: string; status: number; code: string; chain: Link[] }>();
    assert.equal(problem.type, 'https://api.example/problems/not-found');
    assert.equal(problem.title, 'resource not found');
    assert.equal(problem.status, 404);
    assert.equal(problem.code, 'SY_ERR_UPSTREAM_ERROR');
    assert.deepEqual(problem.chain, SERVICE_CHAIN);
  });

  it('hides file paths, lines, details and addresses with expose: public', async () => {
    const res = await httpRequest(gw.port, '/public/chain');
    const problem = res.json<{ detail: string; chain: Link[] }>();
    assert.equal(problem.detail, 'resource not found');
    assert.deepEqual(problem.chain, [
      { source: 'go', type: 'https://errors.example/not-found', title: 'no rows', status: 404, code: 'sql.ErrNoRows', detail: 'no rows' },
      { source: 'mysql', detail: '' },
    ]);
    const header = headerChain(res);
    assert.doesNotMatch(JSON.stringify(header), /users\.go|10\.0\.0\.5|no row with id/);
    const problemRes = await httpRequest(gw.port, '/public/problem');
    assert.doesNotMatch(problemRes.text + String(problemRes.headers['x-error-chain']), /10\.0\.0\.5|127\.0\.0\.1/);
  });

  it('passes a 5xx that is not a problem as it came', async () => {
    const res = await httpRequest(gw.port, '/svc/html');
    assert.equal(res.status, 502);
    assert.equal(res.headers['content-type'], 'text/html');
    assert.equal(res.text, '<h1>bad gateway</h1>');
    assert.equal(res.headers['x-error-chain'], undefined);
  });

  it("drops an upstream's malformed X-Error-Chain with a log line and passes the answer", async () => {
    const res = await httpRequest(gw.port, '/svc/bad-chain');
    assert.equal(res.status, 500);
    assert.equal(res.text, 'oops');
    assert.equal(res.headers['x-error-chain'], undefined);
    assert.ok(gw.logs().some((l) => l['msg'] === 'malformed x-error-chain dropped' && l['from'] === 'upstream'));
  });

  it('passes an error body over the limit as it came, still without a malformed header', async () => {
    const res = await httpRequest(gw.port, '/svc/big-problem');
    assert.equal(res.status, 500);
    assert.equal(res.json<{ title: string }>().title, 'big');
    assert.ok(res.body.length > 100 * 1024);
    assert.equal(res.headers['x-error-chain'], undefined);
  });

  it("passes an upstream's chain on a 4xx to the client, checked", async () => {
    const res = await httpRequest(gw.port, '/svc/not-found');
    assert.equal(res.status, 404);
    assert.equal(res.text, '{"error":"not found"}');
    assert.deepEqual(headerChain(res), SERVICE_CHAIN);
    const pub = await httpRequest(gw.port, '/public/not-found');
    assert.equal(headerChain(pub)[0]?.['file'], undefined);
  });

  it("passes a client's valid chain to the upstream as given", async () => {
    const value = b64json([{ source: 'client-app', detail: 'retrying after a timeout', code: 'E_RETRY' }]);
    const res = await httpRequest(gw.port, '/svc/echo', { headers: { 'x-error-chain': value } });
    assert.equal(res.json<{ headers: Record<string, string> }>().headers['x-error-chain'], value);
  });

  const hostile: [string, string][] = [
    ['bad base64', '***'],
    ['100 KB', 'A'.repeat(100 * 1024)],
    ['1,000 deep', b64json(JSON.parse('['.repeat(1000) + ']'.repeat(1000)) as unknown)],
    ['not an array', b64json({ detail: 'x' })],
  ];
  for (const [name, value] of hostile) {
    it(`drops a client's ${name} X-Error-Chain before the upstream, never echoing it`, async () => {
      const res = await httpRequest(gw.port, '/svc/echo', { headers: { 'x-error-chain': value } });
      assert.equal(res.status, 200);
      assert.equal(res.json<{ headers: Record<string, string> }>().headers['x-error-chain'], undefined);
      assert.equal(res.headers['x-error-chain'], undefined);
      assert.ok(gw.logs().some((l) => l['msg'] === 'malformed x-error-chain dropped' && l['from'] === 'client'));
    });
  }

  it('tells the endpoint a retry goes to what failed before, in front of the client chain', async () => {
    const client = [{ source: 'client-app', detail: 'second try of the user' }];
    const res = await httpRequest(gw.port, '/flaky', { headers: { 'x-error-chain': b64json(client) } });
    assert.equal(res.status, 200);
    const seen = res.json<{ headers: Record<string, string> }>().headers['x-error-chain'];
    const chain = JSON.parse(Buffer.from(String(seen), 'base64').toString('utf8')) as Link[];
    assert.equal(chain.length, 2);
    assert.equal(chain[0]?.source, 'http');
    assert.equal(chain[0]?.status, 503);
    assert.match(chain[0]?.detail ?? '', /^http:\/\/127\.0\.0\.1:\d+ answered 503$/);
    assert.deepEqual(chain[1], client[0]);
  });

  it('puts the chain header on a malformed request answered by the listener', async () => {
    const raw = parseRawResponse(await rawRequest(gw.url, ['GET /svc/echo HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n']));
    assert.equal(raw.status, 400);
    const header = JSON.parse(Buffer.from(raw.headers['x-error-chain'] ?? '', 'base64').toString('utf8')) as Link[];
    assert.equal(header[0]?.code, 'SY_ERR_BAD_REQUEST');
    assert.equal(header.length, 1);
  });

  it('puts a connect error in the chain header of the gateway problem', async () => {
    const res = await httpRequest(gw.port, '/dead');
    assert.equal(res.status, 502);
    const header = headerChain(res);
    assert.equal(header[0]?.source, 'gateway');
    assert.equal(header[0]?.code, 'SY_ERR_UPSTREAM_CONNECT');
    assert.equal(header[0]?.detail, res.json<{ detail: string }>().detail);
    // The connect failure itself is the cause, with what node knows of it.
    const chain = res.json<{ chain: Link[] }>().chain;
    assert.deepEqual(chain, [{ source: 'network', code: 'ECONNREFUSED', detail: `connect ECONNREFUSED 127.0.0.1:${dead}`, syscall: 'connect', address: '127.0.0.1', port: dead }]);
    assert.deepEqual(header.slice(1), chain);
  });
});
