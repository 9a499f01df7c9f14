// Every route mistake is caught when routes are loaded, as SY_ERR_CONFIG_ROUTE with a message that
// names the route (its `at`) and, for a conflict, the other route too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchyardError } from '../../src/errors.js';
import { build, type Row } from './build.js';

function loadError(rows: Row[], options = {}): SwitchyardError {
  try {
    build(rows, options);
  } catch (err) {
    assert.ok(err instanceof SwitchyardError, `expected a SwitchyardError, got ${String(err)}`);
    return err;
  }
  assert.fail('the routes loaded without error');
}

const cases: [what: string, rows: Row[], message: RegExp][] = [
  ['an invalid constraint regex', [['GET', '/a/{x}', { x: '[0-9' }]], /routes\[0\].*constraint '\[0-9' for \{x\} is not a valid regular expression/],
  ['an invalid inline constraint', [['GET', '/a/{x:(\\d}']], /constraint '\(\\d' for \{x\} is not a valid regular expression/],
  ['a constraint that backtracks catastrophically', [['GET', '/a/{x}', { x: '(a+)+b' }]], /\{x\} can backtrack catastrophically/],
  ['a catch-all constraint that backtracks catastrophically', [['GET', '/a/{x}', { x: '(.*/)*z' }]], /\{x\} can backtrack catastrophically/],
  ['a back-reference', [['GET', '/a/{x}', { x: '(a)\\1' }]], /back-reference/],
  ['an empty constraint', [['GET', '/a/{x}', { x: '' }]], /constraint '' for \{x\} is empty/],
  ['a parameter named twice', [['GET', '/a/{x}/b/{x}']], /routes\[0\] \('\/a\/\{x\}\/b\/\{x\}'\): the path uses the parameter \{x\} twice/],
  ['an optional parameter before a required one', [['GET', '/a/{x?}/{y}']], /optional parameter \{x\?\} before the required parameter \{y\}/],
  ['an optional parameter before static text', [['GET', '/a/{x?}/edit']], /optional parameter \{x\?\} before the static text 'edit'/],
  ['an optional parameter inside a segment', [['GET', '/a/v{x?}']], /optional parameter \{x\?\} inside a segment/],
  ['a catch-all before the end', [['GET', '/a/{p}/edit', { p: '.*' }]], /catch-all parameter \{p\} \(its constraint '\.\*' can match '\/'\) before the end/],
  ['a catch-all followed by text', [['GET', '/a/{p}.html', { p: '.+' }]], /catch-all parameter \{p\}/],
  ['a constraint for a parameter the path lacks', [['GET', '/a/{id}', { idd: '\\d+' }]], /where names \{idd\}, but the path has no such parameter/],
  ['a constraint given inline and in where', [['GET', '/a/{id:\\d+}', { id: '\\d+' }]], /constrains \{id\} twice/],
  ['two parameters side by side', [['GET', '/a/{x}{y}']], /\{x\} and \{y\} side by side/],
  ['an invalid parameter name', [['GET', '/a/{1st}']], /invalid parameter name '\{1st\}'/],
  ['the parameter name __proto__', [['GET', '/a/{__proto__}']], /reserved parameter name/],
  ['an unclosed brace', [['GET', '/a/{x']], /unclosed '\{'/],
  ['a stray closing brace', [['GET', '/a/x}']], /'\}' without a matching '\{'/],
  ['an empty inline constraint', [['GET', '/a/{x:}']], /empty inline constraint/],
  ['a star in a path', [['GET', '/a/*']], /contains '\*'/],
  ['a question mark in a path', [['GET', '/a?b']], /contains '\?'/],
  ['an empty segment', [['GET', '/a//b']], /empty segment/],
  ['an unknown method', [['GET,BREW', '/a']], /unknown method 'BREW'/],
  ['no methods', [['', '/a']], /unknown method ''|has no methods/],
  ['a duplicate name', [['GET', '/a', undefined, 'home'], ['GET', '/b', undefined, 'home']], /routes\[1\] \('\/b'\): uses the name 'home', already taken by routes\[0\] \('\/a'\)/],
  ['the same method and path twice', [['GET', '/a/{id}'], ['POST', '/a/{id}'], ['GET', '/a/{id}']], /routes\[2\].*GET \/a\/\{id\} is already defined by routes\[0\]/],
  ['the same path with another parameter name', [['GET', '/u/{id}'], ['GET', '/u/{user}']], /routes\[1\] \('\/u\/\{user\}'\): GET \/u\/\{user\} is already defined by routes\[0\] \('\/u\/\{id\}'\)/],
  ['the same full path through optional parameters', [['GET', '/u/{id?}'], ['GET', '/u/{key}']], /routes\[1\].*GET \/u\/\{key\} is already defined by routes\[0\] \('\/u\/\{id\?\}'\)/],
  ['the same path up to a trailing slash', [['PUT', '/u/'], ['PUT', '/u']], /PUT \/u is already defined by routes\[0\]/],
  ['the same catch-all twice', [['GET', '/f/{a}', { a: '.*' }], ['GET', '/f/{b}', { b: '.*' }]], /GET \/f\/\{b\} is already defined by routes\[0\]/],
  ['an explicit HEAD twice', [['HEAD', '/x'], ['GET,HEAD', '/x']], /HEAD \/x is already defined by routes\[0\]/],
];

for (const [what, rows, message] of cases) {
  test(`load error: ${what}`, () => {
    const err = loadError(rows);
    assert.equal(err.code, 'SY_ERR_CONFIG_ROUTE');
    assert.match(err.message, message);
  });
}

test('with caseSensitive: false, paths differing only in case are the same route', () => {
  const err = loadError([['GET', '/Admin'], ['GET', '/admin']], { caseSensitive: false });
  assert.match(err.message, /GET \/admin is already defined by routes\[0\]/);
});

test('with ignoreTrailingSlash: false, /u and /u/ are different routes', () => {
  assert.equal(build([['GET', '/u'], ['GET', '/u/']], { ignoreTrailingSlash: false }).size, 2);
});

test('these are not conflicts: other methods, other constraints, GET beside an explicit HEAD', () => {
  const router = build([
    ['GET', '/a/{id}'],
    ['POST', '/a/{id}'],
    ['GET', '/b/{id}', { id: '\\d+' }],
    ['GET', '/b/{slug}'],
    ['GET', '/c/{p}', { p: '[a-z/]+' }],
    ['GET', '/c/{p}', { p: '.*' }],
    ['GET', '/d'],
    ['HEAD', '/d'],
  ]);
  assert.equal(router.size, 8);
});

test('a rejected route leaves no trace: nothing of it matches and the router keeps working', () => {
  const router = build([['GET', '/a']]);
  assert.throws(() => router.add({ methods: ['POST', 'GET'], path: '/a', value: 9, at: 'routes[1]', name: 'b' }), /already defined/);
  assert.equal(router.size, 1);
  assert.deepEqual(router.find('POST', '/a'), { kind: 'method-not-allowed', allow: ['GET', 'HEAD'] });
  router.add({ methods: ['POST'], path: '/c', value: 3, name: 'b' });
  assert.equal(router.url('b'), '/c');
});
