// The shadow's comparison, table by table: what is a difference between two answers (status,
// chosen headers, JSON fields by RFC 6901 pointer, other bodies byte for byte) under the
// compare rules, and which differences the record counts as noise or mismatch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResponses } from '../../../src/delivery/shadow/compare-responses.js';
import { ShadowRecord } from '../../../src/delivery/shadow/shadow-record.js';
import { isJsonPointer } from '../../../src/delivery/shadow/json-pointer.js';
import type { ShadowCompareConfig } from '../../../src/config/types.js';

const none: ShadowCompareConfig = { headers: [], ignore: [], unordered: [], mask: [], normalize: {} };
const answer = (body: string, status = 200, headers: Record<string, string> = {}) => ({ status, headers, body: Buffer.from(body) });
const pointers = (a: string, b: string, rules: Partial<ShadowCompareConfig> = {}) => compareResponses(answer(a), answer(b), { ...none, ...rules }).map((d) => d.pointer);

const cases: readonly { why: string; a: string; b: string; rules?: Partial<ShadowCompareConfig>; differ: string[] }[] = [
  { why: 'key order and whitespace are no difference', a: '{"a":1,"b":[1,2]}', b: '{ "b": [1, 2],\n "a": 1 }', differ: [] },
  { why: 'a changed field by its pointer', a: '{"a":{"b":1,"c":2}}', b: '{"a":{"b":1,"c":3}}', differ: ['/a/c'] },
  { why: 'a missing and an added field', a: '{"a":1,"b":2}', b: '{"a":1,"c":2}', differ: ['/b', '/c'] },
  { why: 'keys escaped as RFC 6901 says', a: '{"a/b":1,"m~n":1}', b: '{"a/b":2,"m~n":2}', differ: ['/a~1b', '/m~0n'] },
  { why: 'array elements by index, a longer array by the extra index', a: '[1,2]', b: '[1,3,4]', differ: ['/1', '/2'] },
  { why: 'an ignored pointer and everything below it', a: '{"meta":{"debug":1,"t":1},"x":1}', b: '{"meta":{"debug":2,"t":2},"x":1}', rules: { ignore: ['/meta'] }, differ: [] },
  { why: 'an ignored pointer is only that field', a: '{"meta":1,"metadata":1}', b: '{"meta":2,"metadata":2}', rules: { ignore: ['/meta'] }, differ: ['/metadata'] },
  { why: 'an unordered array is a multiset', a: '{"tags":["a","b",{"k":1,"j":2}]}', b: '{"tags":[{"j":2,"k":1},"b","a"]}', rules: { unordered: ['/tags'] }, differ: [] },
  { why: 'an unordered array with a changed element differs as a whole', a: '{"tags":["a","b"]}', b: '{"tags":["b","c"]}', rules: { unordered: ['/tags'] }, differ: ['/tags'] },
  { why: 'an ordered array in another order differs by index', a: '{"tags":["a","b"]}', b: '{"tags":["b","a"]}', differ: ['/tags/0', '/tags/1'] },
  { why: 'number normaliser: "10.0" is 10', a: '{"price":"10.0"}', b: '{"price":10}', rules: { normalize: { '/price': 'number' } }, differ: [] },
  { why: 'trim and lowercase apply below their pointer', a: '{"u":{"name":" Ann ","mail":"A@X"}}', b: '{"u":{"name":"Ann","mail":"a@x"}}', rules: { normalize: { '/u/name': 'trim', '/u/mail': 'lowercase' } }, differ: [] },
  { why: 'string normaliser: 1 is "1"', a: '{"id":1}', b: '{"id":"1"}', rules: { normalize: { '/id': 'string' } }, differ: [] },
  { why: 'a type change is a difference', a: '{"a":[1]}', b: '{"a":{"0":1}}', differ: ['/a'] },
  { why: 'bodies that are not JSON are compared byte for byte', a: '<p>hi</p>', b: '<p>hi </p>', differ: [''] },
  { why: 'equal bytes are equal, JSON or not', a: '<p>hi</p>', b: '<p>hi</p>', differ: [] },
  { why: 'JSON against garbage is a difference of the whole body', a: '{"a":1}', b: '\u0000\u00ffgarbage', differ: [''] },
];

for (const c of cases) {
  test(`compare: ${c.why}`, () => {
    assert.deepEqual(pointers(c.a, c.b, c.rules).sort(), c.differ.sort());
  });
}

test('compare: status and the chosen headers only', () => {
  const a = answer('{}', 200, { 'content-type': 'application/json' });
  const b = answer('{}', 201, { 'content-type': 'text/plain' });
  assert.deepEqual(compareResponses(a, b, none).map((d) => d.pointer), ['status']);
  assert.deepEqual(compareResponses(a, b, { ...none, headers: ['content-type'] }).map((d) => d.pointer), ['status', 'header:content-type']);
});

test('JSON pointers: RFC 6901 syntax', () => {
  for (const ok of ['', '/', '/a', '/a/0', '/a~0b', '/a~1b', '/ /x']) assert.equal(isJsonPointer(ok), true, ok);
  for (const bad of ['a', 'a/b', '/a~2', '/a~', '#/a']) assert.equal(isJsonPointer(bad), false, bad);
});

test('record: a field differing baseline-to-baseline is noise, not a mismatch', () => {
  const record = new ShadowRecord();
  const facts = { requestId: 'r1', method: 'GET', path: '/x' };
  const mismatch = record.record(facts, [{ pointer: '/at', baseline: 1, target: 2 }], [{ pointer: '/at', baseline: 1, target: 3 }], []);
  assert.equal(mismatch, false);
  assert.equal(record.record(facts, [{ pointer: '/price', baseline: 1, target: 2 }], [], []), true);
  const view = record.view('r', 't');
  assert.deepEqual(view.fields, [
    { pointer: '/price', mismatched: 1, noise: 0 },
    { pointer: '/at', mismatched: 0, noise: 1 },
  ]);
  assert.equal(view.mismatchRate, 0.5);
});

test('record: a field noisy in at least half its differences is noise when this sample agreed by chance', () => {
  const record = new ShadowRecord();
  const facts = { requestId: 'r', method: 'GET', path: '/x' };
  record.record(facts, [{ pointer: '/second', baseline: 1, target: 2 }], [{ pointer: '/second', baseline: 1, target: 2 }], []);
  assert.equal(record.record(facts, [{ pointer: '/second', baseline: 1, target: 2 }], [], []), false, '1 noise of 2 differences');
});

test('record: samples show masked pointers as *** at and below them', () => {
  const record = new ShadowRecord();
  record.record({ requestId: 'r', method: 'GET', path: '/u' }, [{ pointer: '/user', baseline: { email: 'a@x', name: 'A' }, target: { email: 'b@x', name: 'B' } }, { pointer: '/token', baseline: 's1', target: 's2' }], [], ['/user/email', '/token']);
  const [sample] = record.view('r', 't').samples;
  assert.deepEqual(sample?.differences, [
    { pointer: '/user', baseline: { email: '***', name: 'A' }, target: { email: '***', name: 'B' } },
    { pointer: '/token', baseline: '***', target: '***' },
  ]);
});

test('record: a second baseline sample is skipped for known noise, but taken one time in sixteen and for any other field', () => {
  const record = new ShadowRecord();
  const facts = { requestId: 'r', method: 'GET', path: '/x' };
  const stamp = [{ pointer: '/at', baseline: 1, target: 2 }];
  for (let i = 0; i < 8; i++) {
    assert.equal(record.wantsNoiseSample(stamp), true, `sample ${i}: not known yet`);
    record.record(facts, stamp, stamp, []);
  }
  const taken = Array.from({ length: 32 }, () => record.wantsNoiseSample(stamp)).filter(Boolean).length;
  assert.equal(taken, 2);
  assert.equal(record.wantsNoiseSample([...stamp, { pointer: '/price', baseline: 1, target: 2 }]), true);
  assert.equal(record.record(facts, stamp, undefined, []), false, 'judged from what is known');
});
