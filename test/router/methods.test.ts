// Methods: 404 versus 405 with its Allow list (RFC 9110 §15.5.6), HEAD answered by GET routes
// (RFC 9110 §9.3.2), and request targets that cannot be decoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, type Row } from './build.js';

const rows: Row[] = [
  /* 0 */ ['GET', '/users'],
  /* 1 */ ['POST', '/users'],
  /* 2 */ ['GET,PUT,DELETE', '/users/{id}', { id: '\\d+' }],
  /* 3 */ ['OPTIONS', '/users/{id}', { id: '\\d+' }],
  /* 4 */ ['PATCH', '/users/{name}'],
  /* 5 */ ['POST', '/upload'],
  /* 6 */ ['GET', '/docs/{path}', { path: '.*' }],
  /* 7 */ ['HEAD', '/probe'],
];

const cases: [method: string, path: string, expected: number | string[] | 'not-found'][] = [
  ['GET', '/users', 0],
  ['POST', '/users', 1],
  ['HEAD', '/users', 0],
  ['DELETE', '/users', ['GET', 'HEAD', 'POST']],
  ['PUT', '/users/5', 2],
  ['HEAD', '/users/5', 2],
  ['OPTIONS', '/users/5', 3],
  ['POST', '/users/5', ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']],
  // a different route matches for PATCH: the Allow set follows each method's own tree
  ['PATCH', '/users/5', 4],
  ['GET', '/users/bob', ['PATCH']],
  ['GET', '/upload', ['POST']],
  ['HEAD', '/upload', ['POST']],
  ['POST', '/docs/a/b', ['GET', 'HEAD']],
  ['HEAD', '/docs/a/b', 6],
  ['HEAD', '/probe', 7],
  ['GET', '/probe', ['HEAD']],
  ['PROPFIND', '/users', ['GET', 'HEAD', 'POST']],
  ['get', '/users', ['GET', 'HEAD', 'POST']],
  ['GET', '/nothing', 'not-found'],
  ['DELETE', '/users/5/extra', 'not-found'],
];

for (const [method, path, expected] of cases) {
  const what = typeof expected === 'number' ? `routes[${expected}]` : Array.isArray(expected) ? `405 Allow: ${expected.join(', ')}` : '404';
  test(`${method} ${path} -> ${what}`, () => {
    const result = build(rows).find(method, path);
    if (typeof expected === 'number') assert.deepEqual(result.kind === 'found' && result.value, expected);
    else if (Array.isArray(expected)) assert.deepEqual(result, { kind: 'method-not-allowed', allow: expected });
    else assert.deepEqual(result, { kind: 'not-found' });
  });
}

test('an explicit HEAD route takes over from the GET route on the same path, in either order', () => {
  for (const order of [['GET', 'HEAD'], ['HEAD', 'GET']] as const) {
    const router = build([[order[0], '/report/{id}'], [order[1], '/report/{key}']]);
    const head = order[0] === 'HEAD' ? 0 : 1;
    assert.deepEqual(router.find('HEAD', '/report/9'), { kind: 'found', value: head, params: { [head === 0 ? 'id' : 'key']: '9' } });
    const get = router.find('GET', '/report/9');
    assert.equal(get.kind === 'found' && get.value, 1 - head);
  }
});

test('a route listing GET and HEAD answers both with the same value', () => {
  const router = build([['GET,HEAD', '/x']]);
  assert.deepEqual(router.find('HEAD', '/x'), { kind: 'found', value: 0, params: {} });
  assert.deepEqual(router.find('POST', '/x'), { kind: 'method-not-allowed', allow: ['GET', 'HEAD'] });
});

test('HEAD follows the same precedence as GET', () => {
  const router = build([['GET', '/a/{x}'], ['GET', '/a/b']]);
  assert.deepEqual(router.find('HEAD', '/a/b'), { kind: 'found', value: 1, params: {} });
});

test('a request target that is not valid percent-encoding is a bad request, whatever the method', () => {
  const router = build(rows);
  for (const method of ['GET', 'DELETE', 'BREW']) {
    const result = router.find(method, '/users/%E0%A4%A');
    assert.equal(result.kind, 'bad-request', method);
  }
  assert.equal(build([]).find('GET', '/%zz').kind, 'not-found', 'an empty router has nothing to decode against');
});

test('asterisk-form (OPTIONS *) matches no route; other non-path targets are bad requests', () => {
  const router = build([['GET,POST,PUT,PATCH,DELETE,OPTIONS', '/{path?}', { path: '.*' }]]);
  assert.deepEqual(router.find('OPTIONS', '*'), { kind: 'not-found' });
  assert.equal(router.find('GET', 'users').kind, 'bad-request');
  assert.equal(router.find('GET', 'ftp://x/users').kind, 'bad-request');
});

test('405 is found even when each method reaches the path through a different route', () => {
  const router = build([
    ['GET', '/u/{id}', { id: '\\d+' }],
    ['POST', '/u/{name}'],
    ['GET', '/docs/{page}', { page: '[a-z/]+' }],
    ['POST', '/{any}', { any: '.*' }],
  ]);
  assert.deepEqual(router.find('DELETE', '/u/5'), { kind: 'method-not-allowed', allow: ['GET', 'HEAD', 'POST'] });
  assert.deepEqual(router.find('DELETE', '/u/bob'), { kind: 'method-not-allowed', allow: ['POST'] });
  // GET's catch-all rejects '123'; POST's shorter catch-all takes it
  assert.deepEqual(router.find('GET', '/docs/123'), { kind: 'method-not-allowed', allow: ['POST'] });
});
