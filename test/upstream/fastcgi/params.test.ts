// FastCGI name-value pairs (FastCGI 1.0 section 3.4) and the parameter set a request becomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildParams, decodeParams, encodeParams, ParamsEncoder, type Param, type ParamsInput } from '../../../src/upstream/fastcgi/params.js';

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

// ParamsEncoder: the fixed pairs of a script encoded once, the request's own each time.

const encoder = new ParamsEncoder({ documentRoot: base.documentRoot, serverSoftware: base.serverSoftware, extra: { APP_ENV: 'prod', PHP_VALUE: 'x' } });

function encoded(input: ParamsInput, using = encoder): Param[] {
  return decodeParams(Buffer.from(using.encode(input, input), 'latin1'));
}

test('the encoder sends the same pairs, in the same order, as the parameter list', () => {
  const input: ParamsInput = { ...base, https: true, extra: { APP_ENV: 'prod', PHP_VALUE: 'x' }, headers: { host: 'h:1', accept: 'x', cookie: ['a=1', 'b=2'] as unknown as string, 'x-multi': ['1', '2'], 'x-long': 'v'.repeat(300) } };
  const pairs = encoded(input);
  assert.deepEqual(pairs, buildParams(input));
  assert.ok(pairs.some(([name]) => name === 'HTTPS'));
  assert.equal(new Map(pairs).get('HTTP_COOKIE'), 'a=1; b=2');
  assert.equal(new Map(pairs).get('HTTP_X_MULTI'), '1, 2');
});

test('fixed pairs are per script, request values per request', () => {
  const a = new Map(encoded({ ...base, requestUri: '/one', remotePort: 1 }));
  const b = new Map(encoded({ ...base, requestUri: '/two', remotePort: 2, scriptName: '/admin/x.php', scriptFilename: '/srv/app/admin/x.php' }));
  const c = new Map(encoded({ ...base, requestUri: '/three', remotePort: 3, https: true }));
  assert.deepEqual([a.get('REQUEST_URI'), b.get('REQUEST_URI'), c.get('REQUEST_URI')], ['/one', '/two', '/three']);
  assert.deepEqual([a.get('REMOTE_PORT'), b.get('REMOTE_PORT'), c.get('REMOTE_PORT')], ['1', '2', '3']);
  assert.deepEqual([a.get('SCRIPT_FILENAME'), b.get('SCRIPT_FILENAME'), c.get('SCRIPT_FILENAME')], ['/srv/app/index.php', '/srv/app/admin/x.php', '/srv/app/index.php']);
  assert.equal(b.get('SCRIPT_NAME'), '/admin/x.php');
  assert.deepEqual([a.get('HTTPS'), c.get('HTTPS'), c.get('REQUEST_SCHEME')], [undefined, 'on', 'https']);
  assert.equal(a.get('APP_ENV'), 'prod');
  assert.equal(a.has('PHP_VALUE'), false);
});

test('header bytes reach PHP as sent; decoded paths and configured values as UTF-8', () => {
  // node:http (and the project's codec) hand header bytes over as latin1: "José" sent as UTF-8.
  const sent = Buffer.from('José', 'utf8').toString('latin1');
  const utf8 = new ParamsEncoder({ documentRoot: '/srv/café', serverSoftware: 's', extra: { GREETING: 'grüß' } });
  const pairs = new Map(encoded({ ...base, scriptFilename: '/srv/café/index.php', documentUri: '/ünï/index.php', pathInfo: '/é', headers: { 'x-name': sent } }, utf8));
  assert.equal(pairs.get('HTTP_X_NAME'), 'José');
  assert.equal(pairs.get('DOCUMENT_URI'), '/ünï/index.php');
  assert.equal(pairs.get('PATH_INFO'), '/é');
  assert.equal(pairs.get('DOCUMENT_ROOT'), '/srv/café');
  assert.equal(pairs.get('SCRIPT_FILENAME'), '/srv/café/index.php');
  assert.equal(pairs.get('GREETING'), 'grüß');
});

test('telemetry\'s carrier replaces a client header and adds its own', () => {
  const pairs = encoded({ ...base, headers: { traceparent: 'client', accept: 'x' }, carrier: { traceparent: '00-gateway', tracestate: 'sy=1' } });
  const names = pairs.map(([name]) => name).filter((name) => name.startsWith('HTTP_'));
  assert.deepEqual(names, ['HTTP_TRACEPARENT', 'HTTP_ACCEPT', 'HTTP_TRACESTATE']);
  const map = new Map(pairs);
  assert.equal(map.get('HTTP_TRACEPARENT'), '00-gateway');
  assert.equal(map.get('HTTP_TRACESTATE'), 'sy=1');
});

test('the encoder drops what the parameter list drops: "_" names, Proxy', () => {
  const pairs = new Map(encoded({ ...base, headers: { x_sneaky: '2', proxy: 'http://evil', 'x-ok': '1' } }));
  assert.equal(pairs.get('HTTP_X_OK'), '1');
  assert.equal(pairs.has('HTTP_X_SNEAKY'), false);
  assert.equal(pairs.has('HTTP_PROXY'), false);
});
