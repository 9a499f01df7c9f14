// PHP's serialize format, table by table: values as PHP writes them (strings counted in bytes,
// with quotes, | and ; inside), lists versus maps, objects' mangled property names, and every
// malformed or unsupported input refused with where it went wrong.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unserialize, UnserializeError } from '../../src/plugins/php-session/php-unserialize.js';
import { decodeSession } from '../../src/plugins/php-session/session-decode.js';
import { sessionIdFrom } from '../../src/plugins/php-session/session-id.js';
import { claimMap, sessionClaims } from '../../src/plugins/php-session/session-claims.js';

const b = (text: string) => Buffer.from(text, 'utf8');

describe('unserialize', () => {
  const cases: [string, unknown][] = [
    ['N;', null],
    ['b:1;', true],
    ['b:0;', false],
    ['i:-42;', -42],
    ['d:0.5;', 0.5],
    ['d:1.0E+25;', 1e25],
    ['d:INF;', Infinity],
    ['d:-INF;', -Infinity],
    ['s:0:"";', ''],
    ['s:10:"a"b|c;d:e}";', 'a"b|c;d:e}'],
    ['s:5:"Zoë!";', 'Zoë!'],
    ['a:0:{}', []],
    ['a:2:{i:0;s:1:"x";i:1;s:1:"y";}', ['x', 'y']],
    ['a:2:{i:1;s:1:"x";i:0;s:1:"y";}', { 1: 'x', 0: 'y' }],
    ['a:2:{s:1:"k";i:1;i:5;b:1;}', { k: 1, 5: true }],
    ['a:1:{i:0;a:1:{s:1:"d";a:1:{i:0;N;}}}', [{ d: [null] }]],
    ['O:8:"stdClass":2:{s:4:"plan";s:3:"pro";s:5:"seats";i:5;}', { plan: 'pro', seats: 5 }],
    ['O:4:"User":2:{s:8:"\0User\0id";i:7;s:7:"\0*\0role";s:5:"admin";}', { id: 7, role: 'admin' }],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${JSON.stringify(input)}`, () => {
      const value = unserialize(b(input));
      if (typeof expected === 'number' && !Number.isFinite(expected)) assert.equal(value, expected);
      else assert.deepEqual(value, expected);
    });
  }
  it('reads NAN', () => assert.ok(Number.isNaN(unserialize(b('d:NAN;')))));

  const refused: [string, RegExp][] = [
    ['', /expected a value at byte 0/],
    ['x:1;', /'x:' values/],
    ['s:5:"abc";', /runs past the end|expected '"'/],
    ['s:2:"abc";', /expected '"' at byte 7/],
    ['i:12a;', /int '12a'/],
    ['b:2;', /bool '2'/],
    ['a:2:{i:0;i:1;}', /'}:' values .* at byte 13/],
    ['a:1:{i:0;i:1;', /expected '}'/],
    ['C:3:"Foo":1:{x}', /'C:' values/],
    ['E:7:"Foo:Bar";', /'E:' values/],
    ['a:1:{i:0;r:1;}', /'r:' values/],
    ['i:1;junk', /trailing bytes/],
    ['a:1:{d:0.5;i:1;}', /neither int nor string/],
    [`${'a:1:{i:0;'.repeat(100)}N;${'}'.repeat(100)}`, /nesting deeper than 64/],
  ];
  for (const [input, reason] of refused) {
    it(`refuses ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.throws(() => unserialize(b(input)), (err: unknown) => err instanceof UnserializeError && reason.test(err.message));
    });
  }
});

describe('decodeSession (the php handler)', () => {
  it('splits name|value pairs by parsing values, so | inside strings stays in them', () => {
    assert.deepEqual(decodeSession(b('user_id|i:42;note|s:7:"a|b|c;d";roles|a:1:{i:0;s:5:"admin";}')), { user_id: 42, note: 'a|b|c;d', roles: ['admin'] });
  });
  it('refuses what PHP would not have written', () => {
    for (const text of ['{"user_id":42}', 'user_id|i:42', '|i:1;', 'a|i:1;b']) assert.throws(() => decodeSession(b(text)), UnserializeError, text);
  });
  it('reads the php_serialize handler: one array of named variables', () => {
    assert.deepEqual(decodeSession(b('a:2:{s:7:"user_id";i:42;s:4:"note";s:3:"a|b";}'), 'php_serialize'), { user_id: 42, note: 'a|b' });
    assert.deepEqual(decodeSession(b('a:0:{}'), 'php_serialize'), {});
    for (const text of ['a:1:{i:0;i:1;}', 'i:1;', 'user_id|i:42;']) assert.throws(() => decodeSession(b(text), 'php_serialize'), UnserializeError, text);
  });
  it('keeps a variable named __proto__ as data', () => {
    const session = decodeSession(b('__proto__|a:1:{s:5:"admin";b:1;}'));
    assert.deepEqual(Object.keys(session), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['admin'], undefined);
  });
});

describe('sessionIdFrom', () => {
  const cases: [string | undefined, unknown][] = [
    [undefined, undefined],
    ['other=1', undefined],
    ['PHPSESSID=abc123,-XYZ', { id: 'abc123,-XYZ' }],
    ['a=1; PHPSESSID=first; PHPSESSID=second', { id: 'first' }],
  ];
  for (const [header, expected] of cases) it(`reads ${JSON.stringify(header)}`, () => assert.deepEqual(sessionIdFrom(header, 'PHPSESSID'), expected));
  for (const bad of ['../../etc/passwd', 'abc%00', 'abc%2F..', `${'a'.repeat(257)}`, 'a b', '%E0%A4%A']) {
    it(`refuses ${JSON.stringify(bad.slice(0, 30))}`, () => assert.ok(sessionIdFrom(`PHPSESSID=${bad}`, 'PHPSESSID') !== undefined && 'refused' in (sessionIdFrom(`PHPSESSID=${bad}`, 'PHPSESSID') as object)));
  }
});

describe('sessionClaims', () => {
  const map = claimMap({ sub: 'user_id', tenant: 'account.tenant', score: 'score', absent: 'nope' });
  it('makes sub a string, follows dotted paths, leaves missing claims out, and turns INF into null', () => {
    assert.deepEqual(sessionClaims({ user_id: 42, account: { tenant: 't-1' }, score: Infinity }, map), { sub: '42', tenant: 't-1', score: null });
  });
  it('gives no claims without a usable sub', () => {
    for (const user_id of [undefined, null, '', true, [1], NaN]) assert.equal(sessionClaims(user_id === undefined ? {} : { user_id } as never, map), undefined, String(user_id));
  });
});
