// Real logs from public projects (test/fixtures/logs/README.md), read end to end through the CLI:
// the counts asserted here were taken from the files with awk/grep, not from this program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture, reportOf, runLogs } from './cli-harness.js';

test('an nginx combined log with an extra field: totals, top client and statuses match awk', async () => {
  const r = await reportOf([fixture('zanbil_nginx_combined_xff.log')]);
  assert.equal(r.summary.requests, 1000);
  assert.equal(r.summary.malformed, 0);
  assert.equal(r.summary.bytes, 18963364);
  assert.deepEqual(r.clients[0], { key: '66.249.66.194', requests: 88, share: 0.088 });
  assert.deepEqual(
    r.statuses.map((s: any) => [s.key, s.requests]),
    [['200', 938], ['301', 11], ['302', 20], ['304', 7], ['404', 24]],
  );
  assert.equal(r.summary.from, '2019-01-22T00:26:00.000Z', 'local time +0330 is reported in UTC');
});

test('route patterns group ids by shape and slugs by sibling count', async () => {
  const r = await reportOf([fixture('zanbil_nginx_combined_xff.log'), '--top', '50']);
  const routes = new Map<string, number>(r.routeDetails.map((x: any) => [x.key, x.requests]));
  assert.equal(routes.get('/filter/{param}'), 217); // grep -cE '^/filter/[^/]+$'
  assert.equal(routes.get('/image/{id}/productModel/200x200'), 175);
  assert.ok(routes.has('/product/{id}/{id2}/{param}'), 'two numeric segments get distinct names');
  assert.ok(![...routes.keys()].some((k) => k.startsWith('/{param}')), 'the first segment is never a parameter');
});

test('the common format is detected, and a last line without a newline still counts', async () => {
  const r = await reportOf([fixture('nasa_aug95_100_common.log')]);
  assert.equal(r.summary.requests, 100);
  assert.match(r.summary.formats[0], /\$body_bytes_sent$/);
  assert.equal(r.clients[0].key, 'uplherc.upl.com');
});

test('address lists, IPv6, empty and "-" request lines are requests, not malformed lines', async () => {
  const r = await reportOf([fixture('beats_nginx_access_edgecases.log'), fixture('lnav_edge_dash_request.log')]);
  assert.equal(r.summary.requests, 8);
  assert.equal(r.summary.malformed, 0);
  const clients = r.clients.map((c: any) => c.key);
  assert.ok(clients.includes('10.0.0.2'), 'first address of "10.0.0.2, 10.0.0.1, 127.0.0.1"');
  assert.ok(clients.includes('10.5.102.222'), 'first entry of a quoted forwarded-for list');
  assert.ok(clients.includes('2a03:0000:10ff:f00f:0000:0000:0:8000'));
  assert.equal(r.statuses.find((s: any) => s.key === '400').requests, 2);
  assert.equal(r.summary.uniquePaths, 4, 'requests without a path are not counted as a path');
});

test('a malformed line is counted and quoted with its line number; the others still count', async () => {
  const r = await reportOf([fixture('lnav_edge_missing_ident_fields.log')]);
  assert.equal(r.summary.requests, 2);
  assert.equal(r.malformed, 1);
  assert.equal(r.samples.malformed[0].line, 2);
  assert.match(r.samples.malformed[0].text, /^192\.168\.202\.254 \[20\/Jul/);
});

test('a gzip log reads like the plain one, by file name or through stdin', async () => {
  const byFile = await reportOf([fixture('basjes_mapreduce_sample.log.gz')]);
  assert.equal(byFile.summary.requests, 16);
  assert.deepEqual(byFile.samples.malformed, [{ input: fixture('basjes_mapreduce_sample.log.gz'), line: 2, text: 'xxxxxxxxxxxx' }]);
  const byStdin = await reportOf(['-'], readFileSync(fixture('basjes_mapreduce_sample.log.gz')));
  assert.deepEqual(byStdin.routeDetails, byFile.routeDetails);
  assert.deepEqual(byStdin.samples.malformed, [{ input: 'stdin', line: 2, text: 'xxxxxxxxxxxx' }]);
});

test('Caddy JSON gives latency percentiles from its duration in seconds', async () => {
  const r = await reportOf([fixture('lnav_caddy_json.log')]);
  assert.equal(r.summary.formats[0], 'json');
  assert.equal(r.summary.requests, 4);
  assert.equal(r.latencyMs.count, 4);
  assert.equal(r.clients.find((c: any) => c.key === '10.10.10.117')?.requests, 1, 'client_ip over the proxy remote_ip');
  assert.ok(r.latencyMs.maxMs > 0);
});

test('IIS W3C logs: fields from #Fields, time-taken in ms, directive lines not malformed', async () => {
  const r = await reportOf([fixture('lnav_iis_w3c.log')]);
  assert.equal(r.summary.formats[0], 'w3c');
  assert.equal(r.summary.requests, 210); // grep -vc '^#'
  assert.equal(r.malformed, 0);
  assert.equal(r.latencyMs.count, 210);
  assert.equal(r.latencyMs.maxMs, 2411); // awk '!/^#/ {print $NF}' | sort -n | tail -1
});

test('an explicit ingress-nginx log_format brings the request time into every route', async () => {
  const format =
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ' +
    '$request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr ' +
    '$upstream_response_length $upstream_response_time $upstream_status $req_id';
  const r = await reportOf([fixture('beats_nginx_ingress_upstream_times.log'), '--format', format]);
  assert.equal(r.summary.requests, 29);
  assert.equal(r.latencyMs.count, 29);
  const bulk = r.routeDetails.find((x: any) => x.key === '/_bulk');
  assert.equal(bulk.latency.maxMs, 33);
});

test('an Apache error log is not taken for an access log: one line, SY_ERR_LOG_FORMAT, exit 1', async () => {
  const run = await runLogs([fixture('apache_error_not_access.log')]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^switchyard: cannot recognise the log format of .*apache_error_not_access\.log .*\(SY_ERR_LOG_FORMAT\)\n$/);
  assert.equal(run.stdout, '');
});
