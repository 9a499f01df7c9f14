// google.api.http path templates as grpc-gateway v2 parses and matches them (runtime/pattern.go,
// internal/httprule, runtime/mux.go with its default UnescapingModeLegacy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPathTemplate, parsePathTemplate, splitRequestPath, type PathTemplate } from '../../../../src/upstream/grpc/transcode/path-template.js';

function parse(template: string): PathTemplate {
  const parsed = parsePathTemplate(template);
  if (typeof parsed === 'string') assert.fail(parsed);
  return parsed;
}

function match(template: string, path: string): Record<string, string> | undefined {
  const split = splitRequestPath(path);
  if ('bad' in split) assert.fail(split.bad);
  const values = matchPathTemplate(parse(template), split.components);
  return values === undefined ? undefined : Object.fromEntries(values);
}

test('parses segments, variables as field paths, and the verb', () => {
  const t = parse('/v1/{parent=shelves/*}/books/{book.id}:publish');
  assert.deepEqual(t.segments, [
    { kind: 'literal', value: 'v1' },
    { kind: 'literal', value: 'shelves' },
    { kind: 'wildcard' },
    { kind: 'literal', value: 'books' },
    { kind: 'wildcard' },
  ]);
  assert.deepEqual(t.variables, [
    { fieldPath: ['parent'], start: 1, end: 3 },
    { fieldPath: ['book', 'id'], start: 4, end: 5 },
  ]);
  assert.equal(t.verb, 'publish');
  assert.deepEqual(parse('/v1/files/{path=**}').segments.at(-1), { kind: 'deep-wildcard' });
  assert.equal(parse('/v1/a:b/c').verb, undefined);
  assert.deepEqual(parse('/v1/a:b/c').segments[1], { kind: 'literal', value: 'a:b' });
  assert.equal(parse('/v1/{name=a/*}:do:it').verb, 'do:it');
  assert.equal(parse('/v1/items:batchGet').verb, 'batchGet');
});

test('refuses invalid templates with a sentence naming the problem', () => {
  const cases: [string, RegExp][] = [
    ['v1/x', /does not start with/],
    ['/', /no segments/],
    ['/v1//x', /empty segment/],
    ['/v1/{id', /unclosed/],
    ['/v1/id}', /without a '\{'/],
    ['/v1/{a={b}}', /nests/],
    ['/v1/{1a}', /invalid field path/],
    ['/v1/{a}/{a}', /twice/],
    ['/v1/**/x/**', /more than one/],
    ['/v1/a b', /invalid literal/],
    ['/v1/x:', /invalid verb/],
  ];
  for (const [template, expected] of cases) {
    const parsed = parsePathTemplate(template);
    assert.equal(typeof parsed, 'string', template);
    assert.match(parsed as string, expected, template);
  }
});

test('matches one segment per * and per {var}, every component consumed', () => {
  assert.deepEqual(match('/v1/books/{id}', '/v1/books/42'), { id: '42' });
  assert.equal(match('/v1/books/{id}', '/v1/books/42/x'), undefined);
  assert.equal(match('/v1/books/{id}', '/v1/books'), undefined);
  // grpc-gateway's * takes an empty segment too
  assert.deepEqual(match('/v1/books/{id}', '/v1/books/'), { id: '' });
  assert.deepEqual(match('/v1/*/books', '/v1/any/books'), {});
});

test('captures multi-segment variables joined with /', () => {
  assert.deepEqual(match('/v1/{name=shelves/*/books/*}', '/v1/shelves/s1/books/b2'), { name: 'shelves/s1/books/b2' });
  assert.equal(match('/v1/{name=shelves/*/books/*}', '/v1/racks/s1/books/b2'), undefined);
  assert.deepEqual(match('/v1/{a.b.c}/x', '/v1/deep/x'), { 'a.b.c': 'deep' });
});

test('** takes zero or more segments, leaving the literals after it', () => {
  assert.deepEqual(match('/files/{path=**}', '/files/a/b/c.txt'), { path: 'a/b/c.txt' });
  assert.deepEqual(match('/files/{path=**}', '/files'), { path: '' });
  assert.deepEqual(match('/files/{path=**}/raw', '/files/a/b/raw'), { path: 'a/b' });
  assert.equal(match('/files/{path=**}/raw', '/files/a/b'), undefined);
});

test('a template with a verb needs :verb after something in the last segment', () => {
  assert.deepEqual(match('/v1/{name}:cancel', '/v1/op1:cancel'), { name: 'op1' });
  assert.equal(match('/v1/{name}:cancel', '/v1/op1:undo'), undefined);
  assert.equal(match('/v1/{name}:cancel', '/v1/:cancel'), undefined);
  assert.equal(match('/v1/{name}:cancel', '/v1/op1'), undefined);
  // without a verb in the template the colon is part of the value
  assert.deepEqual(match('/v1/{name}', '/v1/op1:cancel'), { name: 'op1:cancel' });
  assert.deepEqual(match('/v1/{name=**}:get', '/v1/a/b:c:get'), { name: 'a/b:c' });
});

test('the path is percent-decoded before splitting: %2F separates segments (UnescapingModeLegacy)', () => {
  assert.deepEqual(match('/v1/books/{id}', '/v1/books/a%20b'), { id: 'a b' });
  assert.equal(match('/v1/books/{id}', '/v1/books/a%2Fb'), undefined);
  assert.deepEqual(match('/v1/{name=**}', '/v1/a%2Fb'), { name: 'a/b' });
  assert.deepEqual(match('/v1/{name}:cancel', '/v1/op%3Acancel'), { name: 'op' });
  assert.deepEqual(match('/v1/caf%C3%A9/{x}', '/v1/caf%C3%A9/1'), { x: '1' });
});

test('a malformed escape is refused before matching', () => {
  const split = splitRequestPath('/v1/books/%ZZ');
  assert.ok('bad' in split);
  assert.match(split.bad, /malformed percent-escape/);
  assert.ok('bad' in splitRequestPath('/v1/%C3'));
});
