// Binding templates written as router routes for transcode: true, and those routes accepted by
// the real router and leading the paths the templates match to them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../../../src/router/index.js';
import type { BindingInfo } from '../../../../src/upstream/grpc/transcode/index.js';
import { transcodedRoutes } from '../../../../src/upstream/grpc/transcode/index.js';
import { parsePathTemplate, type PathTemplate } from '../../../../src/upstream/grpc/transcode/path-template.js';

function info(httpMethod: string, template: string): BindingInfo {
  const parsed = parsePathTemplate(template) as PathTemplate;
  return { httpMethod, template, service: 's.S', method: 'M', grpcPath: '/s.S/M', streaming: 'unary', binding: { template: parsed } as BindingInfo['binding'] };
}

test('each template form as a Laravel route', () => {
  const routes = transcodedRoutes([
    info('GET', '/v1/{name=shelves/*/books/*}'),
    info('GET', '/v1/{id}'),
    info('POST', '/v1/{name}:cancel'),
    info('GET', '/v1/items:batchGet'),
    info('GET', '/files/{path=**}'),
    info('GET', '/files/{path=**}/raw'),
    info('LINK', '/v1/x'),
  ]);
  assert.deepEqual(
    routes.map((r) => [r.method, r.path, r.where]),
    [
      ['GET', '/v1/shelves/{p0}/books/{p1}', { p0: '[^/]*', p1: '[^/]*' }],
      ['GET', '/v1/{p0}', { p0: '[^/]*' }],
      ['POST', '/v1/{p0}:cancel', { p0: '[^/]*' }],
      ['GET', '/v1/items:batchGet', {}],
      ['GET', '/files/{p0}', { p0: '.*' }],
    ],
  );
  // /files/{path=**} and /files/{path=**}/raw share one catch-all route
  assert.equal(routes[4]?.bindings.length, 2);
});

test('the routes are accepted by the router and reach the paths their templates match', () => {
  const router = new Router<string>();
  for (const r of transcodedRoutes([info('GET', '/v1/{name=shelves/*/books/*}'), info('POST', '/v1/{name}:cancel'), info('GET', '/v1/items:batchGet'), info('GET', '/files/{path=**}/raw')])) {
    router.add({ methods: [r.method], path: r.path, where: r.where, value: r.path });
  }
  assert.equal(router.find('GET', '/v1/shelves/1/books/2').kind, 'found');
  assert.equal(router.find('POST', '/v1/op-1:cancel').kind, 'found');
  assert.equal(router.find('GET', '/v1/items:batchGet').kind, 'found');
  assert.equal(router.find('GET', '/files/a/b/raw').kind, 'found');
  assert.equal(router.find('GET', '/v2/other').kind, 'not-found');
});
