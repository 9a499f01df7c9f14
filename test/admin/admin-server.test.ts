// The admin listener: health for probes, POST /admin/reload behind the token, problems listed
// when the new config is bad (the old one keeps serving).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

let service: Server;
let gw: TestGateway;
let admin: string;
let yaml: (routes: string) => string;

before(async () => {
  service = createServer((req, res) => res.end(`svc ${req.url}`));
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  const svc = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  yaml = (routes) => `listen: 127.0.0.1:0
admin:
  listen: 127.0.0.1:0
  token: \${ADMIN_TOKEN}
upstreams:
  svc: { type: http, endpoints: [${svc}] }
routes:
${routes}`;
  gw = await startTestGateway(yaml('  - get: /a\n    to: svc\n'), { env: { ADMIN_TOKEN: 'let-me-in' } });
  admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
});

after(async () => {
  await gw.stop();
  await new Promise((r) => service.close(r));
});

const auth = { authorization: 'Bearer let-me-in' };

test('/healthz answers without a token', async () => {
  const res = await fetch(`${admin}/healthz`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'ok\n');
});

test('admin endpoints need the token', async () => {
  for (const headers of [{}, { authorization: 'Bearer wrong' }]) {
    const res = await fetch(`${admin}/admin/reload`, { method: 'POST', headers });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="switchyard-admin"');
    assert.equal(((await res.json()) as { code: string }).code, 'SY_ERR_ADMIN_UNAUTHORIZED');
  }
  const unknown = await fetch(`${admin}/admin/nothing`, { headers: auth });
  assert.equal(unknown.status, 404);
});

test('POST /admin/reload applies a good config and refuses a bad one with its problems', async () => {
  const file = join(gw.dir, 'switchyard.yaml');
  await writeFile(file, yaml('  - get: /a\n    to: svc\n  - get: /b\n    to: svx\n'));
  const bad = await fetch(`${admin}/admin/reload`, { method: 'POST', headers: auth });
  assert.equal(bad.status, 422);
  const problem = (await bad.json()) as { code: string; detail: string };
  assert.equal(problem.code, 'SY_ERR_RELOAD_REJECTED');
  assert.match(problem.detail, /switchyard\.yaml:11:9: routes\[1\]\.to: unknown upstream 'svx' \(did you mean 'svc'\?\)/);
  assert.equal((await fetch(`${gw.url}/b`)).status, 404, 'old config still serves');

  await writeFile(file, yaml('  - get: /a\n    to: svc\n  - get: /b\n    to: svc\n'));
  const good = await fetch(`${admin}/admin/reload`, { method: 'POST', headers: auth });
  assert.equal(good.status, 200);
  assert.deepEqual(await good.json(), { reloaded: true });
  assert.equal(await (await fetch(`${gw.url}/b`)).text(), 'svc /b');
});
