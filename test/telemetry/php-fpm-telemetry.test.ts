/**
 * php-fpm's side of telemetry against a real pool (pm.status_path and a slowlog): the
 * switchyard_fpm_* gauges, scraped into a real Prometheus (Debian's package) and found through
 * its query API; the slowlog tailed into the correlation report; a status page that returns
 * garbage logged once and never in the way of requests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { freePort } from '../helpers/free-port.js';
import { until } from '../helpers/until.js';

describe('php-fpm telemetry', () => {
  let root: string;
  let fpm: PhpFpm;
  let gw: TestGateway;
  let port: number;
  let admin: number;
  let prometheus: ChildProcess | undefined;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-fpm-tel-'));
    await writeFile(join(root, 'index.php'), `<?php echo 'hello';`);
    await writeFile(join(root, 'slow.php'), `<?php usleep(1500000); echo 'slow';`);
    // Holds its worker until the test creates the release file (no timing involved).
    await mkdir(join(root, 'tight'));
    await writeFile(join(root, 'tight', 'hold.php'), `<?php $f = '${root}/release'; for ($i = 0; $i < 2000 && !file_exists($f); $i++) { usleep(5000); } echo 'held';`);
    fpm = await startPhpFpm({ root, children: 4, statusPath: '/fpm-status', slowlog: 1000 });
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  legacy: { type: fastcgi, address: unix:${fpm.socketPath}, root: ${root}, scripts: [index.php, slow.php], status: /fpm-status, slowlog: ${join(fpm.dir, 'slow.log')} }
  broken: { type: fastcgi, address: unix:${fpm.socketPath}, root: ${root}, status: /no-such-status }
  tight: { type: fastcgi, address: unix:${fpm.socketPath}, root: ${root}, scripts: [tight/hold.php], maxConnections: 1 }
routes:
  - get: /tight/{file}
    to: tight
  - get: /{file}
    to: legacy
`);
    port = Number(new URL(gw.url).port);
    admin = (gw.running.admin?.address() as AddressInfo).port;
  });

  after(async () => {
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await gw.stop();
    await fpm.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('exports the pool state from the status page as switchyard_fpm_* gauges', async () => {
    assert.equal((await httpRequest(port, '/index.php')).text, 'hello');
    assert.ok(await until(async () => /^switchyard_fpm_up\{upstream="legacy"\} 1$/m.test((await httpRequest(admin, '/metrics')).text), 10_000));
    const text = (await httpRequest(admin, '/metrics')).text;
    assert.match(text, /^switchyard_fpm_idle_processes\{upstream="legacy"\} \d+$/m);
    assert.match(text, /^switchyard_fpm_active_processes\{upstream="legacy"\} [1-9]\d*$/m, 'the status request itself is served by an active worker');
    assert.match(text, /^switchyard_fpm_listen_queue\{upstream="legacy"\} 0$/m);
    assert.match(text, /^switchyard_fpm_max_children_reached\{upstream="legacy"\} \d+$/m);
    assert.match(text, /^switchyard_fpm_slow_requests\{upstream="legacy"\} \d+$/m);
  });

  it('logs a status page that is not php-fpm status once, shows it down, and keeps serving', async () => {
    assert.ok(await until(() => gw.logs().some((l) => l['upstream'] === 'broken' && String(l['msg']).startsWith('cannot read the php-fpm status page')), 10_000));
    const text = (await httpRequest(admin, '/metrics')).text;
    assert.match(text, /^switchyard_fpm_up\{upstream="broken"\} 0$/m);
    assert.doesNotMatch(text, /switchyard_fpm_idle_processes\{upstream="broken"\}/);
    assert.equal(gw.logs().filter((l) => l['upstream'] === 'broken' && String(l['msg']).startsWith('cannot read')).length, 1);
    assert.equal((await httpRequest(port, '/index.php')).status, 200);
  });

  it('puts slowlog entries on the timeline of the slow request they caught', async () => {
    assert.equal((await httpRequest(port, '/slow.php')).text, 'slow');
    assert.ok(await until(async () => {
      const report = (await httpRequest(admin, '/admin/correlation?from=-2m&limit=3')).json<{ requests: { path: string; overlapping: { kind: string }[] }[] }>();
      return report.requests.some((r) => r.path === '/slow.php' && r.overlapping.some((e) => e.kind === 'fpm-slowlog'));
    }, 10_000), 'the slowlog entry overlaps the slow request');
    const report = (await httpRequest(admin, '/admin/correlation?from=-2m&limit=3')).json<{ requests: { path: string; verdict: string }[] }>();
    assert.equal(report.requests.find((r) => r.path === '/slow.php')?.verdict, 'upstream-slow');
  });

  it('blames php-fpm saturation for a request that waited for a php-fpm slot', async () => {
    const first = httpRequest(port, '/tight/hold.php');
    assert.ok(await until(async () => /^switchyard_upstream_connections\{upstream="tight",type="fastcgi",state="active"\} 1$/m.test((await httpRequest(admin, '/metrics')).text)));
    const second = httpRequest(port, '/tight/hold.php');
    assert.ok(await until(async () => /^switchyard_upstream_queue_depth\{upstream="tight"\} 1$/m.test((await httpRequest(admin, '/metrics')).text)), 'the second request queues');
    // Let the queue be seen by a telemetry tick before the first request lets go.
    assert.ok(await until(async () => {
      const events = (await httpRequest(admin, '/admin/correlation?from=-1m')).json<{ events: { kind: string; source: string }[] }>().events;
      return events.some((e) => e.kind === 'fpm-saturated' && e.source === 'tight');
    }), 'the saturation is on the timeline');
    await writeFile(join(root, 'release'), '');
    assert.equal((await first).text, 'held');
    assert.equal((await second).text, 'held');
    const report = (await httpRequest(admin, '/admin/correlation?from=-1m&limit=50')).json<{ requests: { path: string; verdict: string; queueWaitMs: number; overlapping: { kind: string }[] }[] }>();
    const queued = report.requests.filter((r) => r.path === '/tight/hold.php').sort((a, b) => b.queueWaitMs - a.queueWaitMs)[0];
    assert.ok(queued !== undefined && queued.queueWaitMs > 0);
    assert.equal(queued.verdict, 'php-fpm-saturated');
    assert.ok(queued.overlapping.some((e) => e.kind === 'fpm-saturated'));
    assert.match((await httpRequest(admin, '/metrics')).text, /^switchyard_upstream_queue_wait_seconds_count\{upstream="tight"\} 2$/m);
  });

  it('is scraped by Prometheus, whose query API returns the series', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sy-prom-'));
    const promPort = await freePort();
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: switchyard\n    static_configs: [{ targets: ['127.0.0.1:${admin}'] }]\n`,
    );
    prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
    try {
      const query = async (q: string) => {
        const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`).catch(() => undefined);
        if (res === undefined || !res.ok) return [];
        return ((await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
      };
      assert.ok(await until(async () => (await query('switchyard_requests_total')).length > 0, 60_000), 'Prometheus has switchyard_requests_total');
      const requests = await query('switchyard_requests_total{route="/{file}",upstream="legacy",status_class="2xx"}');
      assert.ok(Number(requests[0]?.value[1]) >= 2);
      assert.ok((await query('switchyard_request_duration_seconds_bucket')).length > 0);
      assert.ok(await until(async () => (await query('switchyard_fpm_idle_processes{upstream="legacy"}')).length > 0, 30_000), 'php-fpm gauges reached Prometheus');
      assert.ok((await query('switchyard_runtime_event_loop_delay_seconds_count')).length > 0);
    } finally {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
