// examples/php behind a real gateway and real php-fpm: PHP fatals and uncaught exceptions read
// from FastCGI stderr into the chain (file, line, exception, stack), warnings kept out of the
// answer, the example library emitting a chain and reading one, and a PHP hop relaying the chain
// of a real HTTP service it called. Each chain is checked member by member as the client sees it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest, type HttpResult } from '../helpers/http-request.js';
import { SERVICE_CHAIN, b64json, startErrorService, type ErrorService } from './error-service.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/php/public');

interface Problem {
  code: string;
  status: number;
  detail: string;
  chain: Record<string, unknown>[];
}

const headerChain = (res: HttpResult): Record<string, unknown>[] => JSON.parse(Buffer.from(String(res.headers['x-error-chain']), 'base64').toString('utf8')) as Record<string, unknown>[];

describe('error chains through php-fpm with examples/php', () => {
  let fpm: PhpFpm;
  let svc: ErrorService;
  let gw: TestGateway;

  before(async () => {
    svc = await startErrorService();
    fpm = await startPhpFpm({ root: ROOT, children: 2, env: { PROFILE_SERVICE_URL: svc.url } });
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
errors:
  map:
    - match: { source: php, exception: PaymentDeclined }
      type: https://shop.example/problems/payment-declined
      title: payment declined
      status: 402
upstreams:
  php: { type: fastcgi, address: 'unix:${fpm.socketPath}', root: '${ROOT}', scripts: ['*.php'] }
routes:
  - post: /fatal.php
    to: php
    errors: { expose: public }
  - any: /{script}
    to: php
`);
  });
  after(async () => {
    await gw?.stop();
    await fpm?.stop();
    await svc?.close();
  });

  // Stack frames without arguments: zend.exception_ignore_args is on in PHP's production ini.
  it('turns a PHP fatal into the chain with its file, line and stack', async () => {
    const res = await httpRequest(gw.port, '/fatal.php');
    assert.equal(res.status, 500);
    const problem = res.json<Problem>();
    assert.equal(problem.code, 'SY_ERR_FASTCGI_APP_ERROR');
    assert.deepEqual(problem.chain, [
      {
        source: 'php',
        title: 'PHP Fatal error',
        status: 500,
        exception: 'Error',
        file: join(ROOT, 'fatal.php'),
        line: 6,
        stack: [`#0 ${join(ROOT, 'fatal.php')}(9): load_profile()`, '#1 {main}'],
        level: 'Fatal error',
        detail: 'Fatal error: Uncaught Error: Call to undefined function fetch_profile_row()',
      },
    ]);
    const header = headerChain(res);
    assert.deepEqual(header[0], { source: 'gateway', type: 'https://switchyard.dev/errors/SY_ERR_FASTCGI_APP_ERROR', title: 'php application failed', status: 500, code: 'SY_ERR_FASTCGI_APP_ERROR', detail: problem.detail });
    assert.deepEqual(header.slice(1), problem.chain);
  });

  it('names the class of an uncaught exception, which a map rule turns into a public 402', async () => {
    const res = await httpRequest(gw.port, '/throw.php');
    assert.equal(res.status, 402);
    const problem = res.json<Problem & { type: string; title: string }>();
    assert.equal(problem.type, 'https://shop.example/problems/payment-declined');
    assert.equal(problem.title, 'payment declined');
    assert.equal(problem.code, 'SY_ERR_FASTCGI_APP_ERROR');
    const link = problem.chain[0];
    assert.equal(link?.['exception'], 'PaymentDeclined');
    assert.equal(link?.['detail'], 'Fatal error: Uncaught PaymentDeclined: card declined for 1999 cents');
    assert.equal(link?.['line'], 9);
    assert.deepEqual(link?.['stack'], [`#0 ${join(ROOT, 'throw.php')}(12): charge()`, '#1 {main}']);
  });

  it('keeps warnings out of the answer: logged, and the page is served', async () => {
    const res = await httpRequest(gw.port, '/warn.php');
    assert.equal(res.status, 200);
    assert.equal(res.text, 'ok ');
    assert.equal(res.headers['x-error-chain'], undefined);
    assert.ok(gw.logs().some((l) => l['msg'] === 'php stderr' && /Warning: {2}Undefined array key 5/.test(String(l['stderr']))));
  });

  it("makes the example library's chain the gateway's, member by member", async () => {
    const res = await httpRequest(gw.port, '/emit.php');
    assert.equal(res.status, 503);
    const problem = res.json<Problem>();
    assert.equal(problem.code, 'SY_ERR_UPSTREAM_ERROR');
    assert.equal(problem.status, 503);
    const file = join(ROOT, 'emit.php');
    assert.deepEqual(problem.chain, [
      { source: 'php', type: 'urn:php:exception:UserNotLoaded', title: 'UserNotLoaded', status: 503, detail: 'cannot load user 7', exception: 'UserNotLoaded', file, line: 13 },
      { source: 'php', type: 'urn:php:exception:RuntimeException', title: 'RuntimeException', status: 503, detail: 'connection to users-db refused', exception: 'RuntimeException', file, line: 11, code: '2002' },
    ]);
    assert.deepEqual(headerChain(res).slice(1), problem.chain);
  });

  it('hands a client chain to PHP, which reads it as chained exceptions', async () => {
    const sent = [
      { source: 'mobile-app', title: 'sync failed', detail: 'sync of order 9 failed', code: 'E_SYNC' },
      { source: 'grpc', code: 'UNAVAILABLE', status: 503, detail: 'orders backend unavailable', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }] },
    ];
    const res = await httpRequest(gw.port, '/read.php', { headers: { 'x-error-chain': b64json(sent) } });
    assert.deepEqual(res.json(), {
      causes: [
        { class: 'ChainedError', message: 'sync of order 9 failed', source: 'mobile-app' },
        { class: 'ChainedError', message: 'orders backend unavailable', source: 'grpc' },
      ],
    });
    const dropped = await httpRequest(gw.port, '/read.php', { headers: { 'x-error-chain': b64json(JSON.parse('['.repeat(1000) + ']'.repeat(1000)) as unknown) } });
    assert.deepEqual(dropped.json(), { causes: [] });
  });

  it("relays the chain of a service PHP called: PHP's own error, then the service's causes", async () => {
    const res = await httpRequest(gw.port, '/relay.php');
    assert.equal(res.status, 502);
    const problem = res.json<Problem>();
    assert.equal(problem.code, 'SY_ERR_UPSTREAM_ERROR');
    assert.deepEqual(problem.chain, [
      { source: 'php', type: 'urn:php:exception:RuntimeException', title: 'RuntimeException', status: 502, detail: 'profile service failed', exception: 'RuntimeException', file: join(ROOT, 'relay.php'), line: 12 },
      ...SERVICE_CHAIN,
    ]);
  });

  it('shows a public client no file, line or stack (POST /fatal.php has expose: public)', async () => {
    const res = await httpRequest(gw.port, '/fatal.php', { method: 'POST' });
    assert.equal(res.status, 500);
    const problem = res.json<Problem>();
    assert.deepEqual(problem.chain, [{ source: 'php', title: 'PHP Fatal error', status: 500, detail: 'PHP Fatal error' }]);
    assert.doesNotMatch(res.text + String(res.headers['x-error-chain']), /fatal\.php|fetch_profile_row|#0/);
  });
});
