// httpoxy (CVE-2016-5385) through the whole gateway: a request's `Proxy:` header must not reach
// PHP as HTTP_PROXY, where an HTTP client in the application could take it for its proxy. PHP
// itself already hides HTTP_PROXY from $_SERVER and getenv('HTTP_PROXY'), so those alone cannot
// tell whether the gateway dropped it: the script also reads getenv() whole (every FastCGI
// param) and getallheaders(), which show whatever the gateway sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { startPhpApp, type PhpApp } from './php-app.js';

const SCRIPT = `<?php
header('Content-Type: application/json');
$params = getenv();
$headers = array_change_key_case(getallheaders(), CASE_LOWER);
echo json_encode([
  'server' => $_SERVER['HTTP_PROXY'] ?? null,
  'getenv' => getenv('HTTP_PROXY'),
  'param' => $params['HTTP_PROXY'] ?? null,
  'header' => $headers['proxy'] ?? null,
  'control' => [$_SERVER['HTTP_X_CONTROL'] ?? null, $params['HTTP_X_CONTROL'] ?? null, $headers['x-control'] ?? null],
]);
`;

let app: PhpApp;
let gw: TestGateway;

before(async () => {
  app = await startPhpApp(2);
  await writeFile(join(app.root, 'fixtures', 'proxy-env.php'), SCRIPT);
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  legacy: { type: fastcgi, address: 'unix:${app.fpm.socketPath}', root: '${app.root}', scripts: [index.php, 'fixtures/*.php'] }
routes:
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
    static: true
`);
});

after(async () => {
  await gw?.stop();
  await app?.stop();
});

test('a Proxy header never reaches PHP, in $_SERVER, getenv() or getallheaders()', async () => {
  const res = await httpRequest(gw.port, '/fixtures/proxy-env.php', { headers: { proxy: 'http://127.0.0.1:1/', 'x-control': 'seen' } });
  assert.equal(res.status, 200, res.text);
  const seen = res.json<Record<string, unknown>>();
  assert.deepEqual(seen['control'], ['seen', 'seen', 'seen'], 'an ordinary header does reach PHP by each of these ways');
  assert.equal(seen['server'], null);
  assert.equal(seen['getenv'], false);
  assert.equal(seen['param'], null, 'no HTTP_PROXY param');
  assert.equal(seen['header'], null);
});
