// Edge validation in front of PHP (real php-fpm): a bad request is answered 400 before PHP runs,
// a valid JSON body reaches PHP whole (read once by the gateway, sent from memory), and a PHP
// answer that drifted from the contract is counted and logged, or replaced by a 502 when enforced.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { SPEC_31 } from './users-api.js';

// Stores the body it was sent and answers it back, with `age` as text when asked to drift.
const USER_PHP = `<?php
$body = file_get_contents('php://input');
file_put_contents(__DIR__ . '/seen/' . uniqid('', true), $body);
$user = json_decode($body, true);
if (($_GET['drift'] ?? '') === '1') { $user['age'] = (string) $user['age']; }
header('Content-Type: application/json');
echo json_encode($user);
`;

describe('edge validation in front of php-fpm', () => {
  let root: string;
  let fpm: PhpFpm;
  let gw: TestGateway;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-contract-php-'));
    await writeFile(join(root, 'user.php'), USER_PHP);
    await writeFile(join(root, 'users.yaml'), SPEC_31);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 'seen'));
    fpm = await startPhpFpm({ root, children: 2 });
    gw = await startTestGateway(
      `
listen: 127.0.0.1:0
accessLog: off
upstreams:
  php: { type: fastcgi, address: 'unix:${fpm.socketPath}', root: '${root}', index: user.php }
routes:
  - put: /users/{id}
    to: php
    openapi: { spec: users.yaml, operation: putUser }
  - put: /strict/users/{id}
    to: php
    openapi: { spec: users.yaml, operation: putUser, enforce: true }
`,
      { dir: root },
    );
  });
  after(async () => {
    await gw?.stop();
    await fpm?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const json = { 'content-type': 'application/json' };

  it('answers a bad request before PHP runs', async () => {
    const res = await httpRequest(gw.port, '/users/1', { method: 'PUT', headers: json, body: '{"name":"","age":-1}' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer).sort(), ['/body/age', '/body/name']);
    assert.deepEqual(await readdir(join(root, 'seen')), []);
  });

  it('hands a valid body to PHP whole', async () => {
    const body = JSON.stringify({ name: 'ada', age: 36, email: 'ada@example.com' });
    const res = await httpRequest(gw.port, '/users/1', { method: 'PUT', headers: json, body, chunked: 5 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), JSON.parse(body));
    assert.equal((await readdir(join(root, 'seen'))).length, 1);
  });

  it("passes PHP's drifted answer on and logs it, or replaces it with enforce: true", async () => {
    const body = JSON.stringify({ name: 'ada', age: 36 });
    const passed = await httpRequest(gw.port, '/users/1?drift=1', { method: 'PUT', headers: json, body });
    assert.equal(passed.status, 200);
    assert.deepEqual(passed.json(), { name: 'ada', age: '36' });
    assert.ok(gw.logs().some((l) => l['msg'] === 'response breaks the api contract' && (l['errors'] as { pointer: string }[])[0]?.pointer === '/body/age'));
    const replaced = await httpRequest(gw.port, '/strict/users/1?drift=1', { method: 'PUT', headers: json, body });
    assert.equal(replaced.status, 502);
    const problem = replaced.json<{ code: string; errors: { pointer: string; message: string }[] }>();
    assert.equal(problem.code, 'SY_ERR_CONTRACT_RESPONSE');
    assert.deepEqual(problem.errors, [{ pointer: '/body/age', message: 'must be integer' }]);
  });
});
