// TLS on the gateway's listener (docs/tls.md): `listen: [{ address, tls: { cert, key } }]`, ALPN
// choosing h2 or http/1.1, the scheme upstreams are told (X-Forwarded-Proto, FastCGI HTTPS), a
// native gRPC call over TLS, certificate files checked at load and read again on reload, and
// clients that never finish a handshake or speak plain HTTP to the TLS port.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect as connectTcp, type AddressInfo } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { connect as connectHttp2 } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { until } from '../helpers/until.js';
import { startPhpApp, type PhpApp } from '../upstream/fastcgi/php-app.js';
import { startEchoServer, type EchoReply, type EchoServer } from '../upstream/grpc/echo-service.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/tls');
const run = promisify(execFile);

let dir: string;
let ca: Buffer;
let seen: IncomingHttpHeaders | undefined;
let backend: Server;
let php: PhpApp;
let echo: EchoServer;
let gw: TestGateway;

const config = () => `
listen:
  - { address: 127.0.0.1:0, tls: { cert: server.pem, key: server.key } }
accessLog: off
timeouts: { headers: 300ms }
upstreams:
  backend: { type: http, endpoints: ['http://127.0.0.1:${(backend.address() as AddressInfo).port}'] }
  php: { type: fastcgi, address: 'unix:${php.fpm.socketPath}', root: ${php.root}, scripts: ['fixtures/*.php'] }
  echo: { type: grpc, endpoints: ['${echo.url}'] }
routes:
  - get: /fixtures/{script}
    to: php
  - post: /echo.v1.Echo/{method}
    to: echo
  - get: /{page}
    to: backend
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-tls-'));
  ca = await readFile(join(FIXTURES, 'ca.pem'));
  await copyFile(join(FIXTURES, 'server.pem'), join(dir, 'server.pem'));
  await copyFile(join(FIXTURES, 'server.key'), join(dir, 'server.key'));
  backend = createServer((req, res) => {
    seen = req.headers;
    res.end(`backend ${req.url}`);
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  php = await startPhpApp(2);
  echo = await startEchoServer();
  gw = await startTestGateway(config(), { dir });
});

after(async () => {
  await gw?.stop();
  await echo?.stop();
  await php?.stop();
  backend?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** An HTTPS/1.1 GET trusting the test CA; the certificate's serial number comes back too. */
function get(path: string, trust: Buffer | string = ca): Promise<{ status: number; body: string; alpn: string | false | null; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: gw.port, path, ca: trust, agent: false }, (res) => {
      const socket = res.socket as import('node:tls').TLSSocket;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), alpn: socket.alpnProtocol, serial: socket.getPeerCertificate().serialNumber }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the listener URL says https', () => {
  assert.match(gw.url, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('HTTPS/1.1 (no ALPN) reaches an http upstream, which is told X-Forwarded-Proto https', async () => {
  const res = await get('/hello');
  assert.equal(res.status, 200);
  assert.equal(res.body, 'backend /hello');
  assert.equal(res.alpn, false, 'a client offering no ALPN is served HTTP/1.1');
  assert.equal(seen?.['x-forwarded-proto'], 'https');
  assert.match(String(seen?.['forwarded']), /proto=https/);
});

test('PHP behind the TLS listener sees HTTPS=on and REQUEST_SCHEME https', async () => {
  const res = await get('/fixtures/server.php');
  assert.equal(res.status, 200);
  const server = (JSON.parse(res.body) as { server: Record<string, string> }).server;
  assert.equal(server['HTTPS'], 'on');
  assert.equal(server['REQUEST_SCHEME'], 'https');
});

test('ALPN h2: an HTTP/2 client over TLS reaches a route', async () => {
  const session = connectHttp2(`https://127.0.0.1:${gw.port}`, { ca });
  try {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = session.request({ ':path': '/over-h2' });
      let status = 0;
      const chunks: Buffer[] = [];
      stream.on('response', (h) => (status = Number(h[':status'])));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
      stream.on('error', reject);
    });
    assert.equal(session.alpnProtocol, 'h2');
    assert.equal(status, 200);
    assert.equal(body, 'backend /over-h2');
    assert.equal(seen?.['x-forwarded-proto'], 'https');
  } finally {
    session.close();
  }
});

test('PHP reached over HTTP/2 on TLS sees HTTPS=on too', async () => {
  const session = connectHttp2(`https://127.0.0.1:${gw.port}`, { ca });
  try {
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':path': '/fixtures/server.php' });
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString()));
      stream.on('error', reject);
    });
    const server = (JSON.parse(body) as { server: Record<string, string> }).server;
    assert.equal(server['HTTPS'], 'on');
    assert.equal(server['REQUEST_SCHEME'], 'https');
  } finally {
    session.close();
  }
});

test('a native gRPC call over TLS through the gateway reaches a grpc-js server', async () => {
  const Client = grpc.makeGenericClientConstructor({}, 'Echo');
  const client = new Client(`127.0.0.1:${gw.port}`, grpc.credentials.createSsl(ca));
  try {
    const reply = await new Promise<EchoReply>((resolve, reject) =>
      client.makeUnaryRequest(
        '/echo.v1.Echo/Say',
        (m: { text: string }) => Buffer.concat([Buffer.from([0x0a, Buffer.byteLength(m.text)]), Buffer.from(m.text)]),
        (b: Buffer) => ({ text: b.subarray(2, 2 + (b[1] ?? 0)).toString(), index: 0 }),
        { text: 'tls' },
        (err, r) => (err ? reject(err) : resolve(r as EchoReply)),
      ),
    );
    assert.equal(reply.text, 'hello tls');
  } finally {
    client.close();
  }
});

test('a client that opens a connection and sends nothing is closed by the header deadline', async () => {
  const socket = connectTcp(gw.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  assert.ok(socket.destroyed);
});

test('a TLS client that sends no request after the handshake is closed by the header deadline', async () => {
  const socket = connectTls({ host: '127.0.0.1', port: gw.port, ca, ALPNProtocols: ['http/1.1'] });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
});

test('a plain-HTTP request to the TLS port is closed, logged at debug, and the gateway goes on', async () => {
  const socket = connectTcp(gw.port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (c: Buffer) => received.push(c));
  socket.on('error', () => undefined);
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  assert.doesNotMatch(Buffer.concat(received).toString('latin1'), /^HTTP\/1\.1 200/);
  assert.ok(await until(() => gw.logs().some((l) => l['msg'] === 'TLS handshake failed' && l['level'] === 20)), 'logged at debug');
  assert.equal((await get('/still-up')).status, 200);
});

test('a reload after the certificate files are renewed serves the new certificate, without a restart', async () => {
  const before = await get('/renew');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.pem'), '-days', '2', '-subj', '/CN=renewed', '-addext', 'subjectAltName=IP:127.0.0.1']);
  const renewed = await readFile(join(dir, 'server.pem'));
  const url = gw.url;
  await gw.reload(config());
  assert.equal(gw.running.gateway.urls()[0], url, 'the same listener');
  const after = await get('/renew', renewed);
  assert.equal(after.status, 200);
  assert.notEqual(after.serial, before.serial);
  // The old CA no longer vouches for what the listener serves.
  await assert.rejects(get('/renew', ca));
});

test('switchyard validate: a missing key file and a key of another certificate are errors at their line', async () => {
  const bad = await mkdtemp(join(tmpdir(), 'sy-tls-bad-'));
  try {
    await copyFile(join(FIXTURES, 'server.pem'), join(bad, 'server.pem'));
    await run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', join(bad, 'other.key')]);
    const write = (key: string) => writeFile(join(bad, 'switchyard.yaml'), `listen:\n  - address: 127.0.0.1:8443\n    tls:\n      cert: server.pem\n      key: ${key}\nroutes: []\n`);
    await write('missing.key');
    const missing = await runCliCaptured(['validate', '-c', join(bad, 'switchyard.yaml')]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr + missing.stdout, /:5:\d+.*cannot read key file 'missing\.key': ENOENT/);
    await write('other.key');
    const mismatched = await runCliCaptured(['validate', '-c', join(bad, 'switchyard.yaml')]);
    assert.notEqual(mismatched.code, 0);
    assert.match(mismatched.stderr + mismatched.stdout, /:5:\d+.*does not belong to the certificate/);
  } finally {
    await rm(bad, { recursive: true, force: true });
  }
});

test('with tls.ca, a client must present a certificate that CA issued', async () => {
  const mtls = await mkdtemp(join(tmpdir(), 'sy-mtls-'));
  const at = (name: string) => join(mtls, name);
  const openssl = (...args: string[]) => run('openssl', args);
  let other: TestGateway | undefined;
  try {
    await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('client-ca.key'), '-out', at('client-ca.pem'), '-days', '2', '-subj', '/CN=client CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('client.key'), '-out', at('client.csr'), '-subj', '/CN=client');
    await openssl('x509', '-req', '-in', at('client.csr'), '-CA', at('client-ca.pem'), '-CAkey', at('client-ca.key'), '-CAcreateserial', '-out', at('client.pem'), '-days', '2');
    await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('rogue.key'), '-out', at('rogue.pem'), '-days', '2', '-subj', '/CN=rogue');
    await copyFile(join(FIXTURES, 'server.pem'), at('server.pem'));
    await copyFile(join(FIXTURES, 'server.key'), at('server.key'));
    other = await startTestGateway(`
listen:
  - { address: 127.0.0.1:0, tls: { cert: server.pem, key: server.key, ca: client-ca.pem } }
accessLog: off
upstreams:
  backend: { type: http, endpoints: ['http://127.0.0.1:${(backend.address() as AddressInfo).port}'] }
routes:
  - get: /{page}
    to: backend
`, { dir: mtls });
    const port = other.port;
    const call = async (cert?: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port, path: '/mtls', ca, agent: false, ...(cert === undefined ? {} : { cert: readFileSync(at(`${cert}.pem`)), key: readFileSync(at(`${cert}.key`)) }) }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await call('client'), 200);
    await assert.rejects(call('rogue'));
    await assert.rejects(call());
    assert.ok(await until(() => other!.logs().some((l) => l['msg'] === 'TLS handshake failed' && String(l['err']).includes('client certificate refused'))), 'the refusal is logged at debug');
  } finally {
    await other?.stop();
    await rm(mtls, { recursive: true, force: true });
  }
});
