/**
 * The two servers the HTTP/1.1 benchmark compares, each answering every request with the same
 * small fixed response: node:http (llhttp plus IncomingMessage/ServerResponse), and a net.Server
 * running the codec (RequestParser and serializeResponseHead). Run as a child process so its CPU
 * time is its own: it prints its port, and answers an IPC 'cpu' message with process.cpuUsage().
 *
 *   node dist/bench/http1/server.js node|codec
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { RequestParser, type RequestHandler } from '../../src/listener/http1/request-parser.js';
import type { RequestHead } from '../../src/listener/http1/request-head.js';
import { serializeResponseHead } from '../../src/listener/http1/write-response-head.js';

const BODY = 'hello world';
const HEADERS = { 'content-type': 'text/plain' };

/** One per connection: the parser's handler, answering each request once it has ended. */
class CodecConnection implements RequestHandler {
  readonly #socket: Socket;
  readonly parser: RequestParser;
  #head: RequestHead | undefined;

  constructor(socket: Socket) {
    this.#socket = socket;
    this.parser = new RequestParser(this);
  }

  onRequestHead(head: RequestHead): void {
    this.#head = head;
  }

  onRequestBody(): void {}

  onRequestEnd(): void {
    const head = this.#head;
    if (head === undefined) return;
    const out = serializeResponseHead({ status: 200, headers: HEADERS, request: head, bodyLength: BODY.length });
    this.#socket.write(out.head + BODY, 'latin1');
    if (!out.keepAlive) this.#socket.end();
  }

  data(chunk: Buffer): void {
    try {
      this.parser.execute(chunk);
    } catch {
      this.#socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    }
  }
}

function codecServer(): Server {
  return createNetServer((socket) => {
    socket.setNoDelay(true);
    const conn = new CodecConnection(socket);
    socket.on('data', (chunk: Buffer) => {
      socket.cork();
      conn.data(chunk);
      socket.uncork();
    });
    socket.on('error', () => socket.destroy());
  });
}

function nodeServer(): Server {
  return createHttpServer((_req, res) => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  }) as unknown as Server;
}

const kind = process.argv[2];
const server = kind === 'codec' ? codecServer() : kind === 'node' ? nodeServer() : undefined;
if (server === undefined) {
  process.stderr.write('usage: server.js node|codec\n');
  process.exit(2);
}
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (msg: unknown) => {
  if (msg === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (msg === 'stop') server.close(() => process.exit(0));
});
