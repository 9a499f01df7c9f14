// What a Laravel user expects a path to match: parameters, optional parameters, constraints,
// catch-alls, precedence, percent-decoding, and the router options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, type Row } from './build.js';

const ALL = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';

const app: Row[] = [
  /* 0 */ ['GET', '/'],
  /* 1 */ ['GET', '/user/{id}', { id: '\\d+' }],
  /* 2 */ ['GET', '/user/{name}'],
  /* 3 */ ['GET', '/user/me'],
  /* 4 */ ['GET', '/post/{id?}/{slug?}', { id: '\\d+' }],
  /* 5 */ ['GET', '/files/{path}', { path: '.*' }],
  /* 6 */ ['GET', '/dl/{name}.{ext}'],
  /* 7 */ ['GET', '/p/{id:\\d+}'],
  /* 8 */ ['GET', '/lang/{code:[a-z]{2}}/home'],
  /* 9 */ ['GET', '/v{major}/status'],
  /* 10 */ ['GET', 'no-leading-slash/{x}'],
  /* 11 */ ['GET', '/anchored/{id}', { id: '^\\d+$' }],
  /* 12 */ ['GET', '/named/{id:(?<num>\\d+)}-{tag:(a|b)}'],
  /* 13 */ ['GET', '/ws/{rest}', { rest: '\\S+' }],
  /* 14 */ ['GET', '/seg/{one}', { one: '[^/]+' }],
  /* 15 */ ['GET', '/café/{x}'],
  /* 16 */ ['GET', '/time/{t:\\d\\d:\\d\\d}'],
  /* 17 */ ['GET', '/paren/{x:[a-z()]+}'],
  /* 18 */ ['GET', '/hex/{x}', { x: '[a-z\\x2f]+' }],
  /* 19 */ ['GET', '/not/{x}', { x: '(?!admin$)[a-z]+' }],
];

const cases: [method: string, path: string, route: number | undefined, params?: Record<string, string>][] = [
  ['GET', '/', 0, {}],
  ['GET', '/user/42', 1, { id: '42' }],
  ['GET', '/user/bob', 2, { name: 'bob' }],
  ['GET', '/user/me', 3, {}],
  ['GET', '/user/42/', 1, { id: '42' }],
  ['GET', '/user', undefined],
  ['GET', '/user/1/2', undefined],
  ['GET', '/post', 4, {}],
  ['GET', '/post/7', 4, { id: '7' }],
  ['GET', '/post/7/hello-world', 4, { id: '7', slug: 'hello-world' }],
  ['GET', '/post/seven', undefined],
  ['GET', '/post/7/a/b', undefined],
  ['GET', '/files/a/b/c.txt', 5, { path: 'a/b/c.txt' }],
  ['GET', '/files/x', 5, { path: 'x' }],
  // `.*` takes a decoded CR or LF, as Symfony's DOTALL route regexes do, so the route (and the
  // shield in front of PHP) sees such a path instead of a 404 hiding it.
  ['GET', '/files/a%0Ab.php', 5, { path: 'a\nb.php' }],
  ['GET', '/files/x%0D%0Ay', 5, { path: 'x\r\ny' }],
  ['GET', '/files', undefined],
  ['GET', '/dl/report.final.pdf', 6, { name: 'report', ext: 'final.pdf' }],
  ['GET', '/dl/report', undefined],
  ['GET', '/p/12', 7, { id: '12' }],
  ['GET', '/p/12a', undefined],
  ['GET', '/lang/fr/home', 8, { code: 'fr' }],
  ['GET', '/lang/fra/home', undefined],
  ['GET', '/v2/status', 9, { major: '2' }],
  ['GET', '/no-leading-slash/1', 10, { x: '1' }],
  ['GET', '/anchored/5', 11, { id: '5' }],
  ['GET', '/anchored/x5', undefined],
  ['GET', '/named/17-b', 12, { id: '17', tag: 'b' }],
  ['GET', '/named/17-c', undefined],
  ['GET', '/ws/a/b', 13, { rest: 'a/b' }],
  ['GET', '/seg/a', 14, { one: 'a' }],
  ['GET', '/seg/a/b', undefined],
  ['GET', '/caf%C3%A9/1', 15, { x: '1' }],
  ['GET', '/café/1', 15, { x: '1' }],
  ['GET', '/time/10:30', 16, { t: '10:30' }],
  ['GET', '/paren/a(b)', 17, { x: 'a(b)' }],
  ['GET', '/hex/a/b', 18, { x: 'a/b' }],
  ['GET', '/not/users', 19, { x: 'users' }],
  ['GET', '/not/admin', undefined],
  ['GET', '/user/42?tab=posts', 1, { id: '42' }],
  ['GET', 'http://example.test/user/42', 1, { id: '42' }],
];

for (const [method, path, route, params] of cases) {
  test(`${method} ${path} -> ${route === undefined ? 'no route' : `routes[${route}] ${app[route]?.[1]}`}`, () => {
    const router = build(app);
    const result = router.find(method, path);
    if (route === undefined) {
      assert.equal(result.kind, 'not-found');
      return;
    }
    assert.deepEqual(result, { kind: 'found', value: route, params });
  });
}

test('an absent optional parameter is absent from params, not empty', () => {
  const result = build([['GET', '/post/{id?}']]).find('GET', '/post');
  assert.equal(result.kind, 'found');
  assert.ok(result.kind === 'found' && !Object.hasOwn(result.params, 'id'));
});

test('parameters are percent-decoded; an encoded slash stays inside its segment', () => {
  const router = build([['GET', '/u/{name}'], ['GET', '/raw/{path}', { path: '.*' }]]);
  assert.deepEqual(router.find('GET', '/u/Jos%C3%A9%20Mar%C3%ADa'), { kind: 'found', value: 0, params: { name: 'José María' } });
  assert.deepEqual(router.find('GET', '/u/a%2Fb'), { kind: 'found', value: 0, params: { name: 'a/b' } });
  assert.deepEqual(router.find('GET', '/u/a+b%3Fc%23d%25e'), { kind: 'found', value: 0, params: { name: 'a+b?c#d%e' } });
  assert.deepEqual(router.find('GET', '/raw/x%20y/z%2F1'), { kind: 'found', value: 1, params: { path: 'x y/z/1' } });
});

test('a static path does not match an encoded slash', () => {
  const router = build([['GET', '/a/b']]);
  assert.equal(router.find('GET', '/a%2Fb').kind, 'not-found');
});

test('constraints are tested on the decoded value', () => {
  const router = build([['GET', '/tag/{t}', { t: '[a-z ]+' }]]);
  assert.deepEqual(router.find('GET', '/tag/big%20cat'), { kind: 'found', value: 0, params: { t: 'big cat' } });
});

test('precedence: static beats constrained parameter beats parameter beats catch-all, whatever the order', () => {
  const router = build([
    [ALL, '/{any?}', { any: '.*' }],
    ['GET', '/item/{slug}'],
    ['GET', '/item/{id}', { id: '\\d+' }],
    ['GET', '/item/new'],
  ]);
  const table: [string, number][] = [['/item/new', 3], ['/item/5', 2], ['/item/five', 1], ['/item/5/edit', 0], ['/', 0], ['/x', 0]];
  for (const [path, route] of table) {
    const result = router.find('GET', path);
    assert.equal(result.kind === 'found' ? result.value : result.kind, route, path);
  }
});

test('the front-controller idiom: any /{path?} where path .* takes everything, with or without a path', () => {
  const router = build([[ALL, '/{path?}', { path: '.*' }]]);
  assert.deepEqual(router.find('GET', '/'), { kind: 'found', value: 0, params: {} });
  assert.deepEqual(router.find('POST', '/index.php/x/y'), { kind: 'found', value: 0, params: { path: 'index.php/x/y' } });
  assert.deepEqual(router.find('DELETE', '/a'), { kind: 'found', value: 0, params: { path: 'a' } });
});

test('a route with the path in full beats one that reaches it by leaving out optional parameters, in either order', () => {
  for (const rows of [
    [['GET', '/'], [`${ALL},HEAD`, '/{path?}', { path: '.*' }]],
    [[`${ALL},HEAD`, '/{path?}', { path: '.*' }], ['GET', '/']],
  ] as Row[][]) {
    const router = build(rows);
    const home = rows.findIndex(([, path]) => path === '/');
    assert.deepEqual(router.find('GET', '/'), { kind: 'found', value: home, params: {} });
    assert.deepEqual(router.find('HEAD', '/'), { kind: 'found', value: home, params: {} });
    assert.deepEqual(router.find('POST', '/'), { kind: 'found', value: 1 - home, params: {} });
    assert.deepEqual(router.find('GET', '/x'), { kind: 'found', value: 1 - home, params: { path: 'x' } });
  }
  const users = build([['GET', '/users/{id?}'], ['GET', '/users']]);
  assert.deepEqual(users.find('GET', '/users'), { kind: 'found', value: 1, params: {} });
  assert.deepEqual(users.find('GET', '/users/3'), { kind: 'found', value: 0, params: { id: '3' } });
});

test('catch-alls on the same prefix are tried in the order they were added', () => {
  const router = build([
    ['GET', '/docs/{page}', { page: '[a-z/]+' }],
    ['GET', '/docs/{rest}', { rest: '.+' }],
  ]);
  assert.deepEqual(router.find('GET', '/docs/guide/intro'), { kind: 'found', value: 0, params: { page: 'guide/intro' } });
  assert.deepEqual(router.find('GET', '/docs/v2/intro'), { kind: 'found', value: 1, params: { rest: 'v2/intro' } });
});

test('when the most specific route turns the request down, the front controller at the root still gets it', () => {
  const router = build([
    ['GET', '/assets/{file}', { file: '.+\\.(css|js)' }],
    ['GET', '/a/{x}/b'],
    [ALL, '/{path?}', { path: '.*' }],
  ]);
  assert.deepEqual(router.find('GET', '/assets/app/site.css'), { kind: 'found', value: 0, params: { file: 'app/site.css' } });
  assert.deepEqual(router.find('GET', '/assets/logo%20big.png'), { kind: 'found', value: 2, params: { path: 'assets/logo big.png' } });
  assert.deepEqual(router.find('GET', '/a//b'), { kind: 'found', value: 2, params: { path: 'a//b' } });
  assert.deepEqual(router.find('HEAD', '/assets/x.png'), { kind: 'found', value: 2, params: { path: 'assets/x.png' } });
});

test('a catch-all whose constraint rejects the rest of the path does not match', () => {
  const router = build([['GET', '/img/{file}', { file: '[\\w/]+\\.png' }]]);
  assert.equal(router.find('GET', '/img/a/b.png').kind, 'found');
  assert.equal(router.find('GET', '/img/a/b.jpg').kind, 'not-found');
});

test('the value attached to a route comes back as is', () => {
  const handler = { upstream: 'legacy' };
  const router = build([]) as unknown as import('../../src/router/index.js').Router<object>;
  router.add({ methods: ['GET'], path: '/x', value: handler });
  const result = router.find('GET', '/x');
  assert.ok(result.kind === 'found' && result.value === handler);
});

test('static segments are case-sensitive by default, and not with caseSensitive: false', () => {
  const rows: Row[] = [['GET', '/Admin/{Id}']];
  assert.equal(build(rows).find('GET', '/admin/1').kind, 'not-found');
  assert.deepEqual(build(rows, { caseSensitive: false }).find('GET', '/ADMIN/Xy'), { kind: 'found', value: 0, params: { Id: 'Xy' } });
});

test('a trailing slash is ignored by default, and significant with ignoreTrailingSlash: false', () => {
  assert.equal(build([['GET', '/about']]).find('GET', '/about/').kind, 'found');
  assert.equal(build([['GET', '/about/']]).find('GET', '/about').kind, 'found');
  const strict = build([['GET', '/about']], { ignoreTrailingSlash: false });
  assert.equal(strict.find('GET', '/about/').kind, 'not-found');
  assert.equal(strict.find('GET', '/about').kind, 'found');
});

test('a parameter longer than maxParamLength does not match', () => {
  const router = build([['GET', '/s/{slug}'], ['GET', '/n/{id}', { id: '\\d+' }]], { maxParamLength: 10 });
  assert.equal(router.find('GET', `/s/${'a'.repeat(10)}`).kind, 'found');
  assert.equal(router.find('GET', `/s/${'a'.repeat(11)}`).kind, 'not-found');
  assert.equal(router.find('GET', `/n/${'1'.repeat(11)}`).kind, 'not-found');
});

test('the default maxParamLength lets long slugs through', () => {
  const slug = 'a-very-long-article-title-'.repeat(20);
  assert.deepEqual(build([['GET', '/blog/{slug}']]).find('GET', `/blog/${slug}`), { kind: 'found', value: 0, params: { slug } });
});

test('size counts route definitions', () => {
  assert.equal(build([['GET', '/a'], ['GET,POST', '/b/{x?}']]).size, 2);
});

test('optional fields may be given as undefined, as a loaded config has them', () => {
  const loaded: { name: string | undefined; where: Record<string, string> | undefined; at: string | undefined } = {
    name: undefined, where: undefined, at: undefined,
  };
  const router = build([]);
  router.add({ methods: ['GET'], path: '/user/{id}', ...loaded, value: 7 });
  assert.deepEqual(router.find('GET', '/user/x'), { kind: 'found', value: 7, params: { id: 'x' } });
});

test('a parameter never matches an empty segment unless its constraint allows it', () => {
  const router = build([['GET', '/a/{x}/b'], ['GET', '/n/{x:\\d*}/m'], ['GET', '/user/{id}']], { ignoreTrailingSlash: false });
  assert.equal(router.find('GET', '/a//b').kind, 'not-found');
  assert.equal(router.find('GET', '/user/').kind, 'not-found');
  assert.deepEqual(router.find('GET', '/n//m'), { kind: 'found', value: 1, params: { x: '' } });
  assert.equal(build([['GET', '/user/{id}']]).find('GET', '/user//').kind, 'not-found');
});
