// Against the real programs: nginx writes a combined log that `switchyard logs` must read to the
// request, and GoAccess, reading the same files, must agree on requests and bytes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginx, type Nginx } from '../../helpers/nginx.js';
import { httpRequest } from '../../helpers/http-request.js';
import { fixture, reportOf } from './cli-harness.js';

let nginx: Nginx;
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-real-'));
  // Paths are relative to nginx's prefix (the helper's temp dir); `combined` is nginx's own.
  nginx = await startNginx(`
    access_log logs/access.log combined;
    location /user/ { return 200 "user\\n"; }
    location /boom { return 503; }
    location / { return 404; }
  `);
});
after(async () => {
  await nginx.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a log written by nginx: every request counted, /user/N grouped as /user/{id}, 5xx counted', async () => {
  for (let id = 1; id <= 25; id++) assert.equal((await httpRequest(nginx.port, `/user/${id}?tab=posts`)).status, 200);
  for (let i = 0; i < 3; i++) assert.equal((await httpRequest(nginx.port, '/boom', { method: 'POST', body: 'x' })).status, 503);
  assert.equal((await httpRequest(nginx.port, '/a%20b/"quoted"', { headers: { 'user-agent': 'agent "with" quotes' } })).status, 404);
  // nginx writes each line before it answers the next request: the log is complete now.
  const r = await reportOf([join(nginx.dir, 'logs/access.log')]);
  assert.equal(r.summary.requests, 29);
  assert.equal(r.summary.malformed, 0);
  assert.deepEqual(r.clients, [{ key: '127.0.0.1', requests: 29, share: 1 }]);
  const routes = new Map<string, any>(r.routeDetails.map((x: any) => [x.key, x]));
  assert.equal(routes.get('/user/{id}').requests, 25);
  assert.equal(routes.get('/boom').errors, 3);
  assert.deepEqual(r.methods.map((m: any) => [m.key, m.requests]), [['GET', 26], ['POST', 3]]);
  assert.equal(r.ranking[0].key, '/user/{id}');
});

function goaccess(file: string, format: string): Promise<{ valid_requests: number; bandwidth: number }> {
  const out = join(dir, `${format}-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn('goaccess', [file, `--log-format=${format}`, '--no-global-config', '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`goaccess exited ${code}: ${stderr}`));
      readFile(out, 'utf8').then((text) => resolve((JSON.parse(text) as { general: { valid_requests: number; bandwidth: number } }).general), reject);
    });
  });
}

for (const name of ['zanbil_nginx_combined_xff.log', 'logswan_clf_ipv6.log']) {
  test(`GoAccess and switchyard logs agree on ${name}: requests and bytes`, async () => {
    const theirs = await goaccess(fixture(name), 'COMBINED');
    const ours = await reportOf([fixture(name)]);
    assert.equal(ours.summary.requests, theirs.valid_requests);
    assert.equal(ours.summary.bytes, theirs.bandwidth);
  });
}
