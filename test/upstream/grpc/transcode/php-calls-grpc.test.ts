// End to end through the real gateway and transport: transcode: true mounts the library's
// bindings as routes, a configured route of a binding's shape is served by that binding, and a
// PHP script under php-fpm calls the gRPC service with curl through the gateway (PHP calls a
// gRPC service without a gRPC extension).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:http2';
import { startTestGateway, type TestGateway } from '../../../helpers/start-gateway.js';
import { httpRequest } from '../../../helpers/http-request.js';
import { startPhpApp, type PhpApp } from '../../fastcgi/php-app.js';
import { FIXTURE, startLibraryServer, type LibraryServer } from './library-server.js';
import { assertMessageJson, lastSent, type Rig } from './rig.js';

// Creates a book, reads it back, and asks for a missing one, through the gateway's own port.
const SCRIPT = `<?php
header('Content-Type: application/json');
$base = 'http://127.0.0.1:' . $_SERVER['SERVER_PORT'];
function call($method, $url, $body = null) {
  $ch = curl_init($url);
  curl_setopt($ch, CURLOPT_CUSTOMREQUEST, $method);
  curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
  curl_setopt($ch, CURLOPT_HTTPHEADER, ['Content-Type: application/json', 'Grpc-Metadata-Tenant: php']);
  if ($body !== null) curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($body));
  $text = curl_exec($ch);
  $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
  curl_close($ch);
  return ['status' => $status, 'body' => json_decode($text, true)];
}
$created = call('POST', "$base/v1/shelves/1/books?bookId=php-1", ['title' => 'Written from PHP', 'pageCount' => '320', 'genre' => 'FICTION']);
$read = call('GET', "$base/v1/shelves/1/books/php-1");
$missing = call('GET', "$base/v1/shelves/1/books/missing");
echo json_encode(['created' => $created, 'read' => $read, 'missing' => $missing]);
`;

let library: LibraryServer;
let app: PhpApp;
let gw: TestGateway;

before(async () => {
  library = await startLibraryServer();
  app = await startPhpApp(2);
  await writeFile(join(app.root, 'fixtures', 'calls-grpc.php'), SCRIPT);
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  library:
    type: grpc
    endpoints: [h2c://127.0.0.1:${library.port}]
    proto: { files: [library/v1/library.proto], importPaths: ['${FIXTURE}'] }
    transcode: true
  legacy: { type: fastcgi, address: 'unix:${app.fpm.socketPath}', root: '${app.root}', scripts: ['fixtures/*.php'] }
routes:
  - get: /v1/shelves/{shelf}/titles
    to: library
  - get: /fixtures/{script}
    to: legacy
`);
});

after(async () => {
  await gw?.stop();
  await app?.stop();
  await library?.close();
});

test('transcode: true mounts the bindings: REST answers from the grpc-js server through the gateway', async () => {
  const res = await httpRequest(gw.port, '/v1/shelves/4/books/8');
  assert.equal(res.status, 200, res.text);
  assertMessageJson(res.json(), library.schema('library.v1.Book'), lastSent({ library } as Rig, 'GetBook'), { library } as Rig);
  const stream = await httpRequest(gw.port, '/v1/shelves/4/books:watch?count=2');
  assert.equal(stream.text.trim().split('\n').length, 2);
  const missing = await httpRequest(gw.port, '/v1/nothing');
  assert.equal(missing.status, 404);
});

test('a configured route of a binding\'s shape is served by that binding', async () => {
  const res = await httpRequest(gw.port, '/v1/shelves/4/titles');
  assert.equal(res.status, 200);
  assert.ok(Array.isArray(res.json()), 'response_body: books');
});

test('a PHP script calls the gRPC service with curl through the gateway', async () => {
  const res = await httpRequest(gw.port, '/fixtures/calls-grpc.php');
  assert.equal(res.status, 200, res.text);
  const out = res.json() as Record<string, { status: number; body: Record<string, unknown> }>;
  assert.equal(out.created?.status, 200);
  assert.equal(out.created?.body.title, 'Written from PHP');
  assert.equal(out.created?.body.pageCount, '320');
  assert.equal(out.read?.status, 200);
  assert.equal(out.read?.body.name, 'shelves/1/books/php-1');
  assert.equal(out.missing?.status, 404);
  assert.equal(out.missing?.body.code, 5);
  assert.equal(out.missing?.body.message, 'book shelves/1/books/missing does not exist');
  const created = library.received.get('CreateBook')?.at(-1) as unknown as { bookId: string; parent: string };
  assert.equal(created.bookId, 'php-1');
  assert.equal(created.parent, 'shelves/1');
  assert.deepEqual(library.metadata.get('CreateBook')?.get('tenant'), ['php']);
});

test('REST over HTTP/2 (h2c) is transcoded too, the host taken from :authority', async () => {
  const session = connect(gw.url);
  try {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = session.request({ ':method': 'GET', ':path': '/v1/shelves/2/books/echo', 'grpc-metadata-tenant': 'h2' });
      let status = 0;
      const chunks: Buffer[] = [];
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200, body);
    const labels = (JSON.parse(body) as { labels: Record<string, string> }).labels;
    assert.equal(labels.tenant, 'h2');
    assert.equal(labels['x-forwarded-host'], new URL(gw.url).host);
  } finally {
    session.close();
  }
});

test('without transcode: true, configured routes are still transcoded and no binding is mounted', async () => {
  const plain = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  library:
    type: grpc
    endpoints: [h2c://127.0.0.1:${library.port}]
    proto: { files: [library/v1/library.proto], importPaths: ['${FIXTURE}'] }
routes:
  - get: /v1/shelves/{shelf}/titles
    to: library
`);
  try {
    const res = await httpRequest(plain.port, '/v1/shelves/4/titles');
    assert.equal(res.status, 200, res.text);
    assert.ok(Array.isArray(res.json()), 'response_body: books');
    const unmounted = await httpRequest(plain.port, '/v1/shelves/4/books/8');
    assert.equal(unmounted.status, 404);
    assert.equal(unmounted.json().code, 'SY_ERR_ROUTE_NOT_FOUND');
  } finally {
    await plain.stop();
  }
});
