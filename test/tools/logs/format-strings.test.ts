// nginx log_format and Apache LogFormat strings compile to layouts that read the lines those
// servers write; bad format strings are refused with SY_ERR_LOG_FORMAT, not a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNginxFormat } from '../../../src/tools/logs/format/nginx-format.js';
import { compileApacheFormat } from '../../../src/tools/logs/format/apache-format.js';
import { layoutParser } from '../../../src/tools/logs/format/layout-parser.js';
import { emptyRecord } from '../../../src/tools/logs/format/log-record.js';
import { resolveFormat } from '../../../src/tools/logs/format/resolve-format.js';
import type { Layout } from '../../../src/tools/logs/format/layout.js';

function parse(layout: Layout, line: string) {
  const rec = emptyRecord();
  const ok = layoutParser(layout)(line, rec);
  return { ok, ...rec };
}

test('an nginx log_format with $request_time and ${var} syntax yields latency in microseconds', () => {
  const layout = compileNginxFormat('$remote_addr [${time_iso8601}] "$request" $status $body_bytes_sent rt=$request_time');
  const r = parse(layout, '10.1.2.3 [2024-05-01T12:00:00+02:00] "GET /user/7?x=1 HTTP/1.1" 200 512 rt=0.250');
  assert.equal(r.ok, true);
  assert.equal(r.client, '10.1.2.3');
  assert.equal(r.time, Date.UTC(2024, 4, 1, 10, 0, 0));
  assert.equal(r.method, 'GET');
  assert.equal(r.target, '/user/7?x=1');
  assert.equal(r.status, 200);
  assert.equal(r.bytes, 512);
  assert.equal(r.latencyUs, 250_000);
});

test('$upstream_response_time stands in for the request time, first value of a retried request', () => {
  const layout = compileNginxFormat('$remote_addr "$request" $status $body_bytes_sent $upstream_response_time');
  assert.equal(parse(layout, '1.1.1.1 "GET / HTTP/1.1" 502 0 0.004, 0.012').latencyUs, 4000);
  assert.ok(Number.isNaN(parse(layout, '1.1.1.1 "GET / HTTP/1.1" 400 0 -').latencyUs));
});

test('$http_x_forwarded_for, when logged, names the client behind the proxies', () => {
  const layout = compileNginxFormat('$remote_addr "$request" $status $body_bytes_sent "$http_x_forwarded_for"');
  assert.equal(parse(layout, '10.0.0.1 "GET / HTTP/1.1" 200 5 "203.0.113.9, 10.0.0.7"').client, '203.0.113.9');
  assert.equal(parse(layout, '10.0.0.1 "GET / HTTP/1.1" 200 5 "-"').client, '10.0.0.1');
});

test('Apache %t keeps its brackets, %D is microseconds, %{ms}T milliseconds, %U%q reads as one target', () => {
  const layout = compileApacheFormat('%h %l %u %t \\"%m %U%q %H\\" %>s %b %D %{ms}T');
  const r = parse(layout, '192.0.2.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a/b?c=1 HTTP/1.0" 200 - 1500 2');
  assert.equal(r.ok, true);
  assert.equal(r.time, Date.UTC(2000, 9, 10, 20, 55, 36));
  assert.equal(r.target, '/a/b?c=1');
  assert.equal(r.bytes, 0, '"-" bytes is nothing sent');
  assert.equal(r.latencyUs, 1500, 'the first duration field wins');
});

test('Apache escapes quotes in the request line as \\" and they do not end the field', () => {
  const layout = compileApacheFormat('%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"');
  const r = parse(layout, '192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET /q?a=\\"x\\" HTTP/1.1" 404 12 "-" "curl/8"');
  assert.equal(r.ok, true);
  assert.equal(r.target, '/q?a=\\"x\\"');
  assert.equal(r.status, 404);
});

const refused: [string, RegExp][] = [
  ['$remote_addr ${time_local', /unclosed/],
  ['%h %{Referer', /unclosed/],
  ['$http_referer $http_user_agent', /no client, request, path or status/],
  ['apache', /unknown log format "apache"/],
];
for (const [format, message] of refused) {
  test(`--format ${JSON.stringify(format)} is refused with SY_ERR_LOG_FORMAT`, () => {
    assert.throws(() => resolveFormat(format), (err: any) => err.code === 'SY_ERR_LOG_FORMAT' && message.test(err.message));
  });
}
