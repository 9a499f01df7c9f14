/**
 * WebSocket through an http upstream: the handshake goes to the service with forwarding headers,
 * its 101 comes back, and the connection becomes a tunnel that outlives the request deadlines.
 * The client is undici's WebSocket; the service speaks just enough of RFC 6455 (text frames
 * under 126 bytes) to echo, written here. A refused handshake reaches the client as the service
 * sent it; a dead service is a 502 problem on the raw connection.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'undici';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { freePort } from '../../helpers/free-port.js';
import { parseRawResponse, rawRequest } from '../../helpers/raw-http.js';
import { until } from '../../helpers/until.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One unmasked text frame, as a server sends it. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

/** The text of one masked client frame (payload under 126 bytes). */
function readClientFrame(frame: Buffer): string {
  const length = (frame[1] as number) & 0x7f;
  const mask = frame.subarray(2, 6);
  const payload = Buffer.from(frame.subarray(6, 6 + length));
  for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return payload.toString();
}

describe('http upstream: WebSocket tunnels', () => {
  let service: Server;
  let gw: TestGateway;
  const handshakes: IncomingMessage[] = [];

  before(async () => {
    service = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => res.end(req.url === '/echo' ? `echo ${body} upgrade=${req.headers.upgrade ?? 'none'}` : 'not a websocket'));
    });
    service.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      handshakes.push(req);
      if (req.url === '/refuse') {
        socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\ncontent-length: 12\r\nconnection: close\r\n\r\nwho are you?');
        return;
      }
      const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}${GUID}`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
      if (req.url === '/raw') {
        // Byte echo, for checking that bytes sent right after the handshake are not lost.
        if (head.length > 0) socket.write(head);
        socket.on('data', (d: Buffer) => socket.write(d));
        return;
      }
      socket.on('data', (frame: Buffer) => {
        if (((frame[0] as number) & 0x0f) === 0x8) socket.end(Buffer.from([0x88, 0]));
        else socket.write(textFrame(`echo: ${readClientFrame(frame)}`));
      });
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    const dead = await freePort();
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: access.log
timeouts: { headers: 400ms, body: 400ms }
upstreams:
  svc: { type: http, endpoints: ['http://127.0.0.1:${(service.address() as AddressInfo).port}'], timeouts: { idle: 1500ms } }
  gone: { type: http, endpoints: ['http://127.0.0.1:${dead}'], retry: { attempts: 1 } }
routes:
  - get: /ws/{path}
    to: svc
    stripPrefix: /ws
  - get: /down
    to: gone
  - post: /echo
    to: svc
`);
  });
  after(async () => {
    await gw.stop();
    // Not awaited: with connections handed over on 'upgrade' gone, node 20's close callback was
    // seen never to come.
    service.close();
    service.closeAllConnections();
  });

  it('tunnels a WebSocket session, past the request deadlines', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/ws/chat`);
    const messages: string[] = [];
    let gotMessage: () => void = () => undefined;
    ws.addEventListener('message', (e) => {
      messages.push(String(e.data));
      gotMessage();
    });
    const next = () => new Promise<void>((r) => (gotMessage = r));
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', reject);
    });
    let received = next();
    ws.send('hello');
    await received;
    // Longer than timeouts.headers and timeouts.body: a tunnel is not a slow request.
    await new Promise((r) => setTimeout(r, 1_000));
    received = next();
    ws.send('still there');
    await received;
    assert.deepEqual(messages, ['echo: hello', 'echo: still there']);
    const closed = new Promise((r) => ws.addEventListener('close', r));
    ws.close();
    await closed;

    // The access-log line comes when the tunnel closes: status 101, the session's whole duration.
    let line: { status: number; duration: number } | undefined;
    await until(async () => {
      gw.running.gateway.flushAccessLog();
      const logged = (await readFile(join(gw.dir, 'access.log'), 'utf8').catch(() => '')).split('\n').find((l) => l.includes('/ws/chat'));
      line = logged === undefined ? undefined : (JSON.parse(logged) as { status: number; duration: number });
      return line !== undefined;
    }, 2_000);
    assert.equal(line?.status, 101);
    assert.ok((line?.duration ?? 0) >= 1, `the tunnel lasted over a second: ${line?.duration}`);

    const handshake = handshakes.at(-1) as IncomingMessage;
    assert.equal(handshake.url, '/chat');
    assert.equal(handshake.headers.upgrade, 'websocket');
    assert.equal(handshake.headers['x-forwarded-for'], '127.0.0.1');
    assert.match(String(handshake.headers['x-request-id']), /.{8,}/);
  });

  it('closes a tunnel silent for the upstream’s timeouts.idle', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/ws/quiet`);
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', reject);
    });
    const opened = Date.now();
    await new Promise((r) => ws.addEventListener('close', r));
    const silentMs = Date.now() - opened;
    assert.ok(silentMs >= 1_400 && silentMs < 5_000, `closed after ${silentMs} ms of silence`);
  });

  it('delivers bytes the client sent right behind its handshake', async () => {
    const raw = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      let socket: Socket;
      void import('node:net').then(({ connect }) => {
        socket = connect(gw.port, '127.0.0.1', () => {
          socket.write('GET /ws/raw HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\nEARLY');
        });
        socket.on('data', (d: Buffer) => {
          chunks.push(d);
          if (Buffer.concat(chunks).toString().endsWith('EARLY')) {
            socket.destroy();
            resolve(Buffer.concat(chunks).toString());
          }
        });
      });
    });
    const res = parseRawResponse(raw);
    assert.equal(res.status, 101);
    assert.equal(res.headers['upgrade'], 'websocket');
    assert.equal(res.headers['via'], '1.1 switchyard');
    assert.equal(res.body, 'EARLY');
  });

  it('serves a request asking for another protocol (h2c) as plain HTTP/1.1, body included, and keeps the connection', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      void import('node:net').then(({ connect }) => {
        const socket = connect(gw.port, '127.0.0.1', () => {
          socket.write('POST /echo HTTP/1.1\r\nhost: x\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAARAAAAAAAIAAAAA\r\ncontent-length: 5\r\n\r\nhello');
        });
        let text = '';
        socket.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.includes('echo hello') && !text.includes('echo again')) socket.write('POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nagain');
          if (text.includes('echo again')) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.on('error', reject);
      });
    });
    assert.match(raw, /^HTTP\/1\.1 200 /);
    assert.match(raw, /echo hello upgrade=none/, 'the body reached the service, the Upgrade did not');
    assert.match(raw, /echo again upgrade=none/, 'the connection serves the next request');
  });

  it('passes a refused handshake on as the service answered, then closes', async () => {
    const raw = await rawRequest(gw.url, ['GET /ws/refuse HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n']);
    const res = parseRawResponse(raw);
    assert.equal(res.status, 401);
    assert.equal(res.body, 'who are you?');
  });

  it('answers a handshake to a dead service with a 502 problem naming the upstream', async () => {
    const raw = await rawRequest(gw.url, ['GET /down HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n']);
    const res = parseRawResponse(raw);
    assert.equal(res.status, 502);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    assert.match(res.body, /upstream gone/);
  });
});
