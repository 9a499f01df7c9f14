// URL generation for named routes (Laravel's route() helper), and that every generated URL is
// routed back to the same route with the same parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchyardError } from '../../src/errors.js';
import { build, type Row } from './build.js';

const rows: Row[] = [
  ['GET', '/', undefined, 'home'],
  ['GET', '/user/{id}', { id: '\\d+' }, 'user.show'],
  ['GET', '/u/{name}', undefined, 'user.byName'],
  ['GET', '/post/{id?}/{slug?}', undefined, 'post'],
  ['GET', '/files/{path}', { path: '.*' }, 'files'],
  ['GET', '/dl/{name}.{ext}', undefined, 'download'],
  ['GET', '/about/', undefined, 'about'],
  ['GET', '/{page?}', { page: '.*' }, 'front'],
];

const cases: [name: string, params: Record<string, string | number>, query: Record<string, string>, url: string][] = [
  ['home', {}, {}, '/'],
  ['user.show', { id: 5 }, {}, '/user/5'],
  ['user.byName', { name: 'José María' }, {}, '/u/Jos%C3%A9%20Mar%C3%ADa'],
  ['user.byName', { name: 'a/b?c#d%e&f' }, {}, '/u/a%2Fb%3Fc%23d%25e%26f'],
  ['post', {}, {}, '/post'],
  ['post', { id: 3 }, {}, '/post/3'],
  ['post', { id: 3, slug: 'hi there' }, {}, '/post/3/hi%20there'],
  ['files', { path: 'docs/a b/c.pdf' }, {}, '/files/docs/a%20b/c.pdf'],
  ['download', { name: 'report', ext: 'tar.gz' }, {}, '/dl/report.tar.gz'],
  ['about', {}, {}, '/about/'],
  ['front', {}, {}, '/'],
  ['front', { page: 'index.php/x' }, {}, '/index.php/x'],
  ['user.show', { id: 5, tab: 'posts' }, {}, '/user/5?tab=posts'],
  ['user.show', { id: 5 }, { q: 'a&b=c', 'x y': '1' }, '/user/5?q=a%26b%3Dc&x%20y=1'],
];

for (const [name, params, query, url] of cases) {
  test(`url(${name}, ${JSON.stringify(params)}, ${JSON.stringify(query)}) = ${url}`, () => {
    assert.equal(build(rows).url(name, params, query), url);
  });
}

test('every generated URL routes back to its route with the same parameters', () => {
  const router = build(rows);
  const roundTrips: [string, Record<string, string>][] = [
    ['user.show', { id: '42' }],
    ['user.byName', { name: 'José/María?%' }],
    ['post', { id: '1', slug: 'x y' }],
    ['files', { path: 'a/b c/ü.txt' }],
    ['download', { name: 'a b', ext: 'zip' }],
    ['front', { page: 'deep/er/path' }],
  ];
  for (const [name, params] of roundTrips) {
    const url = router.url(name, params);
    const result = router.find('GET', url);
    assert.equal(result.kind, 'found', url);
    assert.deepEqual(result.kind === 'found' && result.params, params, url);
    assert.equal(result.kind === 'found' && rows[result.value]?.[3], name, url);
  }
});

const failures: [name: string, params: Record<string, string | number>, message: RegExp][] = [
  ['nope', {}, /no route is named 'nope'/],
  ['user.show', {}, /route 'user.show' needs the parameter \{id\}/],
  ['user.show', { id: 'abc' }, /\{id\} must match '\\d\+' \('abc' given\)/],
  ['user.byName', { name: '' }, /\{name\} cannot be empty/],
  ['post', { slug: 'x' }, /\{slug\} is given but the optional \{id\} before it is not/],
];

for (const [name, params, message] of failures) {
  test(`url(${name}, ${JSON.stringify(params)}) fails with SY_ERR_ROUTE_URL`, () => {
    assert.throws(
      () => build(rows).url(name, params),
      (err: unknown) => err instanceof SwitchyardError && err.code === 'SY_ERR_ROUTE_URL' && message.test(err.message),
    );
  });
}
