/**
 * A TCP service on 127.0.0.1 port 0 that writes whatever bytes a test chooses, per request, for
 * the answers no HTTP server library would send: a malformed head, a Content-Length it does not
 * keep, a close in the middle of a body, a kept connection closed as the next request arrives.
 * Requests are read by their head and Content-Length only (what the gateway sends).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface RawRequest {
  readonly head: string;
  readonly path: string;
  readonly body: string;
  /** Requests served on this connection before this one. */
  readonly index: number;
  readonly connection: number;
}

/** Answers one request: write to the socket (or close it) as the test likes. */
export type RawAnswer = (socket: Socket, req: RawRequest) => void;

export interface RawBackend {
  readonly url: string;
  answer: RawAnswer;
  readonly requests: RawRequest[];
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A chunked body from `start` (no extensions, no trailers): its text and where it ends, once complete. */
function dechunk(buf: Buffer, start: number): { body: string; end: number } | undefined {
  let at = start;
  let body = '';
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return buf.length < lineEnd + 4 ? undefined : { body, end: lineEnd + 4 };
    if (buf.length < lineEnd + 2 + size + 2) return undefined;
    body += buf.subarray(lineEnd + 2, lineEnd + 2 + size).toString();
    at = lineEnd + 2 + size + 2;
  }
}

export const ok = (body = 'ok'): RawAnswer => (socket) => socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

export async function startRawBackend(answer: RawAnswer = ok()): Promise<RawBackend> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const backend: RawBackend = {
    url: '',
    answer,
    requests: [],
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((socket) => {
    const connection = ++accepted;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let index = 0;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffered.subarray(0, end).toString('latin1');
        let body: string;
        if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
          const chunked = dechunk(buffered, end + 4);
          if (chunked === undefined) return;
          body = chunked.body;
          buffered = buffered.subarray(chunked.end);
        } else {
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (buffered.length < end + 4 + length) return;
          body = buffered.subarray(end + 4, end + 4 + length).toString();
          buffered = buffered.subarray(end + 4 + length);
        }
        const req: RawRequest = { head, path: head.split(' ')[1] ?? '', body, index: index++, connection };
        backend.requests.push(req);
        backend.answer(socket, req);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(backend, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return backend;
}
