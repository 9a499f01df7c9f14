/**
 * The request as it goes to an endpoint: the head serialized once (request line, the fields the
 * upstream chose, the framing) and sent in the same socket write as the body when the body is
 * already in (a small POST arrives with its head), else the body streamed from the client's
 * Readable with backpressure both ways. A Content-Length body goes as it came; a chunked one is
 * re-framed chunk by chunk (RFC 9112 §7.1: chunked is hop-by-hop, so the client's chunk sizes and
 * extensions are this hop's business, and its trailers are dropped, as nginx drops them).
 *
 * Field names and values are checked as the response side checks them (no CR, LF or NUL: a value a
 * filter set cannot inject a line or a second request).
 */
import type { Socket } from 'node:net';
import { CRLF, LAST_CHUNK, chunkSizeLine, encodeChunk } from '../../listener/http1/chunked-encoder.js';
import { fieldLine } from '../../listener/http1/outgoing-fields.js';
import type { ExchangeRequest } from '../../listener/exchange.js';

/** How the request body is delimited on the way out. */
export type RequestFraming = 'none' | 'length' | 'chunked';

/**
 * `method target HTTP/1.1`, the fields, the framing and the blank line. `extra` lines (already
 * `name: value\r\n`, e.g. the Upgrade pair of a WebSocket handshake) go after the fields.
 */
export function serializeRequestHead(method: string, target: string, headers: Readonly<Record<string, string | string[]>>, framing: RequestFraming, extra = ''): string {
  let head = `${method} ${target} HTTP/1.1\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === 'string') head += fieldLine(name, value);
    else if (value !== undefined) for (const v of value) head += fieldLine(name, v);
  }
  if (framing === 'chunked') head += 'transfer-encoding: chunked\r\n';
  return `${head}${extra}\r\n`;
}

/**
 * Writes `head` and the body of `req` to `socket`. Returns a function that stops the streaming
 * (the attempt is over), or undefined when everything was written at once. `held`: the whole
 * body, already read from `req` by a filter (Exchange.body), sent instead of reading `req`.
 */
export function writeRequest(socket: Socket, head: string, req: ExchangeRequest, framing: RequestFraming, held?: Buffer): (() => void) | undefined {
  if (framing === 'none') {
    socket.write(head, 'latin1');
    return undefined;
  }
  if (held !== undefined) {
    socket.write(withBody(head, held, framing));
    return undefined;
  }
  if ((req as { complete?: boolean }).complete === true && !req.readableFlowing) {
    // The whole body is in the request's buffer: one write for head and body.
    const body = req.read() as Buffer | null;
    socket.write(withBody(head, body, framing));
    return undefined;
  }
  socket.write(head, 'latin1');
  const onData = (chunk: Buffer): void => {
    if (chunk.length === 0) return;
    const accepted = framing === 'chunked' ? writeChunk(socket, chunk) : socket.write(chunk);
    if (!accepted) {
      req.pause();
      socket.once('drain', onDrain);
    }
  };
  const onDrain = (): void => {
    req.resume();
  };
  const onEnd = (): void => {
    stop();
    if (framing === 'chunked') socket.write(LAST_CHUNK, 'latin1');
  };
  const stop = (): void => {
    req.off('data', onData).off('end', onEnd);
    socket.off('drain', onDrain);
  };
  req.on('data', onData).once('end', onEnd);
  return stop;
}

function withBody(head: string, body: Buffer | null, framing: RequestFraming): Buffer {
  const length = body?.length ?? 0;
  const size = framing === 'chunked' && length > 0 ? chunkSizeLine(length) : '';
  const tail = framing === 'chunked' ? (length > 0 ? CRLF + LAST_CHUNK : LAST_CHUNK) : '';
  const out = Buffer.allocUnsafe(head.length + size.length + length + tail.length);
  let at = out.write(head, 0, 'latin1');
  at += out.write(size, at, 'latin1');
  if (body !== null) at += body.copy(out, at);
  out.write(tail, at, 'latin1');
  return out;
}

/** A large piece goes as size line, data and CRLF in one corked write rather than copied. */
function writeChunk(socket: Socket, chunk: Buffer): boolean {
  if (chunk.length < 16 * 1024) return socket.write(encodeChunk(chunk));
  socket.cork();
  socket.write(chunkSizeLine(chunk.length), 'latin1');
  socket.write(chunk);
  const accepted = socket.write(CRLF, 'latin1');
  socket.uncork();
  return accepted;
}
