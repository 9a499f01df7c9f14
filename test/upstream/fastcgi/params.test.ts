// FastCGI name-value pairs (FastCGI 1.0 section 3.4) and the parameter set a request becomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildParams, decodeParams, encodeParams, type ParamsInput } from '../../../src/upstream/fastcgi/params.js';

test('lengths under 128 take one byte, longer ones four with the high bit set', () => {
  assert.deepEqual([...encodeParams([['A', 'bc']])], [1, 2, 65, 98, 99]);
  const long = 'x'.repeat(300);
  const encoded = encodeParams([['LONG', long]]);
  assert.deepEqual([...encoded.subarray(0, 5)], [4, 0x80, 0, 0x01, 0x2c]);
  assert.deepEqual(decodeParams(encoded), [['LONG', long]]);
});

test('values round-trip as UTF-8', () => {
  const params: [string, string][] = [['QUERY_STRING', 'q=é&x=✓'], ['EMPTY', ''], ['N', 'y'.repeat(127)], ['M', 'z'.repeat(128)]];
  assert.deepEqual(decodeParams(encodeParams(params)), params);
});

test('a pair longer than its record is refused', () => {
  assert.throws(() => decodeParams(Buffer.from([5, 1, 65])), /longer than its record/);
});

const base: ParamsInput = {
  method: 'GET',
  requestUri: '/a?b=1',
  query: 'b=1',
  documentUri: '/index.php',
  scriptName: '/index.php',
  scriptFilename: '/srv/app/index.php',
  pathInfo: '',
  documentRoot: '/srv/app',
  httpVersion: '1.1',
  https: false,
  remoteAddress: '127.0.0.1',
  remotePort: 5000,
  serverAddress: '127.0.0.1',
  serverPort: 8080,
  headers: {},
  contentLength: undefined,
  requestId: 'r1',
  serverSoftware: 'switchyard/0',
  extra: {},
};

test('headers become HTTP_*; names with "_" and the Proxy header are dropped', () => {
  const params = new Map(
    buildParams({ ...base, headers: { host: 'h:1', 'x-a-b': '1', x_sneaky: '2', proxy: 'http://evil', cookie: 'a=1; b=2', accept: 'x, y' } }),
  );
  assert.equal(params.get('HTTP_HOST'), 'h:1');
  assert.equal(params.get('HTTP_X_A_B'), '1');
  assert.equal(params.get('HTTP_X_SNEAKY'), undefined);
  assert.equal(params.get('HTTP_PROXY'), undefined);
  assert.equal(params.get('HTTP_COOKIE'), 'a=1; b=2');
  assert.equal(params.get('SERVER_NAME'), 'h');
});

test('HTTPS is sent only for TLS, as fastcgi_params\' if_not_empty', () => {
  assert.equal(new Map(buildParams(base)).get('HTTPS'), undefined);
  const tls = new Map(buildParams({ ...base, https: true }));
  assert.equal(tls.get('HTTPS'), 'on');
  assert.equal(tls.get('REQUEST_SCHEME'), 'https');
});

test('operator params are added, but never PHP_VALUE or PHP_ADMIN_VALUE', () => {
  const params = new Map(buildParams({ ...base, extra: { APP_ENV: 'prod', PHP_VALUE: 'x', PHP_ADMIN_VALUE: 'y' } }));
  assert.equal(params.get('APP_ENV'), 'prod');
  assert.equal(params.has('PHP_VALUE'), false);
  assert.equal(params.has('PHP_ADMIN_VALUE'), false);
});
