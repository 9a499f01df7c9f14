/**
 * The gRPC-Web bridge (grpc/grpc doc/PROTOCOL-WEB.md): a browser's call over HTTP/1.1 or HTTP/2
 * (`application/grpc-web`, `+proto`, or `application/grpc-web-text` with base64 bodies) goes to
 * a plain gRPC endpoint as a native call. Messages keep their framing; the upstream's trailers
 * come back as a last frame flagged 0x80 holding an HTTP/1-style header block, so the browser,
 * which cannot read HTTP trailers, gets grpc-status. In text mode both bodies are base64: the
 * request decoded in 4-character groups as it arrives, the answer encoded in 3-byte groups so
 * it is one base64 text. For browsers on another origin the status fields are exposed to
 * scripts (Access-Control-Expose-Headers), and a preflight that no `cors` middleware answered
 * is answered here for POST with the fields it asks for.
 */
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { Exchange } from '../../listener/exchange.js';
import type { GrpcUpstreamConfig } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import type { ClusterStreams } from './cluster-streams.js';
import { effectiveDeadline, formatGrpcTimeout, parseGrpcTimeout } from './grpc-timeout.js';
import { answerFields, forwardRequestFields } from './forward-fields.js';
import { TRAILER_FLAG, frame } from './frames.js';
import { encodeGrpcMessage } from './metadata.js';
import { translateSessionError } from './session.js';
import { attemptEnded, attemptStarted } from './attempt-telemetry.js';

const EXPOSED = 'grpc-status, grpc-message, grpc-status-details-bin';
const NOT_TO_UPSTREAM = new Set(['content-type', 'x-grpc-web', 'x-user-agent', 'accept', 'origin', 'referer', 'accept-encoding']);
const NOT_IN_HEAD = new Set(['content-type', 'content-length', 'grpc-encoding', 'grpc-accept-encoding']);

export function isGrpcWeb(contentType: string): boolean {
  return contentType.startsWith('application/grpc-web');
}

/** A CORS preflight for a gRPC-Web call: allow POST with the fields asked for, from the origin asking. */
export function answerPreflight(exchange: Exchange): void {
  const h = exchange.req.headers;
  exchange.writeHead(204, {
    'access-control-allow-origin': String(h.origin),
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': String(h['access-control-request-headers'] ?? 'content-type, x-grpc-web, x-user-agent, grpc-timeout'),
    'access-control-max-age': '86400',
    vary: 'origin',
  });
  exchange.res.end();
}

export async function bridgeGrpcWeb(exchange: Exchange, streams: ClusterStreams, config: GrpcUpstreamConfig): Promise<void> {
  const { req } = exchange;
  const contentType = String(req.headers['content-type'] ?? '');
  const text = contentType.startsWith('application/grpc-web-text');
  const responseType = text ? 'application/grpc-web-text+proto' : contentType.startsWith('application/grpc-web+') ? contentType.split(';')[0]!.trim() : 'application/grpc-web+proto';
  const origin = req.headers.origin;
  const cors: OutgoingHttpHeaders = origin === undefined ? {} : { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED, vary: 'origin' };

  const clientTimeout = parseGrpcTimeout(req.headers['grpc-timeout']);
  if (clientTimeout === null) throw new SwitchyardError('SY_ERR_GRPC_TIMEOUT', `malformed grpc-timeout '${String(req.headers['grpc-timeout'])}' (1-8 digits and a unit of H M S m u n)`, { headers: cors as Record<string, string> });
  const deadline = effectiveDeadline(clientTimeout, config.timeouts.total);
  const extra: OutgoingHttpHeaders = { 'content-type': 'application/grpc', te: 'trailers' };
  if (deadline !== undefined) extra['grpc-timeout'] = formatGrpcTimeout(deadline);
  const fields = forwardRequestFields(req.headers, extra, NOT_TO_UPSTREAM);
  const attempt = attemptStarted(exchange, config.name, fields);
  let opened;
  try {
    opened = await streams.open(exchange.path, fields, exchange.signal, { headers: req.headers, remoteAddress: exchange.remoteAddress });
  } catch (err) {
    attemptEnded(attempt, { error: err });
    throw err;
  }
  const up = opened.stream;
  sendRequest(exchange, up, text);

  const out = text ? new Base64Writer((s) => exchange.res.write(s)) : undefined;
  const write = (bytes: Buffer) => (out === undefined ? exchange.res.write(bytes) : out.write(bytes));
  let grpcStatus: number | undefined;
  let trailerBlock: IncomingHttpHeaders | undefined;
  let timedOut = false;
  const cancel = () => up.close(constants.NGHTTP2_CANCEL);
  exchange.signal.addEventListener('abort', cancel, { once: true });
  const timer = deadline === undefined ? undefined : setTimeout(() => ((timedOut = true), cancel()), deadline);

  await new Promise<void>((resolve, reject) => {
    let answered: number | undefined;
    up.on('response', (head) => {
      const status = Number(head[':status']);
      answered = status;
      if (head['grpc-status'] !== undefined) {
        grpcStatus = Number(head['grpc-status']);
        trailerBlock = head;
      }
      if (status !== 200) {
        grpcStatus = 14;
        trailerBlock = { 'grpc-status': '14', 'grpc-message': encodeGrpcMessage(`upstream ${config.name} answered HTTP ${status}`) };
      }
      exchange.writeHead(200, { ...answerFields(head, NOT_IN_HEAD), ...cors, 'content-type': responseType });
    });
    up.on('data', (chunk: Buffer) => {
      if (exchange.aborted) return;
      if (!write(chunk)) {
        up.pause();
        exchange.res.once('drain', () => up.resume());
      }
    });
    up.on('trailers', (trailers) => {
      trailerBlock = trailers;
      if (trailers['grpc-status'] !== undefined) grpcStatus = Number(trailers['grpc-status']);
    });
    let streamError: NodeJS.ErrnoException | undefined;
    up.on('error', (err: NodeJS.ErrnoException) => (streamError = err));
    up.once('close', () => {
      clearTimeout(timer);
      attemptEnded(attempt, answered === undefined ? { error: streamError ?? new Error(`stream closed (RST_STREAM ${up.rstCode ?? 0})`) } : { statusCode: answered });
      exchange.signal.removeEventListener('abort', cancel);
      if (exchange.aborted) {
        opened.finish({ grpcStatus: 1 });
        return resolve();
      }
      if (!exchange.res.headersSent && !timedOut) {
        opened.finish({ failure: 'reset' });
        return reject(streamError === undefined ? new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${opened.label}: the stream was reset before an answer (RST_STREAM ${up.rstCode ?? 0})`) : translateSessionError(streamError, opened.label));
      }
      if (timedOut) {
        opened.finish({ failure: 'timeout' });
        trailerBlock = { 'grpc-status': '4', 'grpc-message': encodeGrpcMessage(`deadline of ${deadline} ms exceeded`) };
      } else if (grpcStatus === undefined) {
        opened.finish({ failure: 'reset' });
        trailerBlock = { 'grpc-status': '14', 'grpc-message': encodeGrpcMessage(`upstream ${config.name} reset the stream (RST_STREAM ${up.rstCode ?? 0})`) };
      } else opened.finish({ grpcStatus });
      if (!exchange.res.headersSent) exchange.writeHead(200, { ...cors, 'content-type': responseType });
      write(frame(trailerFrame(trailerBlock ?? {}), TRAILER_FLAG));
      out?.flush();
      exchange.res.end();
      resolve();
    });
  });
}

/** The client's body to the upstream: as is, or base64-decoded in whole 4-character groups. */
function sendRequest(exchange: Exchange, up: ClientHttp2Stream, text: boolean): void {
  if (exchange.body !== undefined) {
    up.end(text ? Buffer.from(exchange.body.toString('latin1'), 'base64') : exchange.body);
    return;
  }
  if (!text) {
    exchange.req.pipe(up);
    return;
  }
  let rest = '';
  exchange.req.on('data', (chunk: Buffer) => {
    const all = rest + chunk.toString('latin1').replace(/[\r\n]/g, '');
    const whole = all.length - (all.length % 4);
    rest = all.slice(whole);
    if (whole > 0 && !up.write(Buffer.from(all.slice(0, whole), 'base64'))) {
      exchange.req.pause();
      up.once('drain', () => exchange.req.resume());
    }
  });
  exchange.req.on('end', () => up.end(rest === '' ? undefined : Buffer.from(rest, 'base64')));
}

/** The trailer frame's block: `name: value\r\n` lines, lowercase names (PROTOCOL-WEB.md). */
function trailerFrame(trailers: IncomingHttpHeaders): Buffer {
  let block = '';
  for (const [name, value] of Object.entries(trailers)) {
    if (value === undefined || name.startsWith(':') || name === 'content-type' || name === 'date') continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) block += `${name}: ${v}\r\n`;
  }
  return Buffer.from(block, 'latin1');
}

/** Base64 of a byte stream written in pieces, as one text: 3-byte groups out as they complete. */
class Base64Writer {
  readonly #emit: (text: string) => boolean;
  #carry: Buffer = Buffer.alloc(0);

  constructor(emit: (text: string) => boolean) {
    this.#emit = emit;
  }

  write(bytes: Buffer): boolean {
    const all = this.#carry.length === 0 ? bytes : Buffer.concat([this.#carry, bytes]);
    const whole = all.length - (all.length % 3);
    this.#carry = all.subarray(whole);
    return whole === 0 ? true : this.#emit(all.subarray(0, whole).toString('base64'));
  }

  flush(): void {
    if (this.#carry.length > 0) this.#emit(this.#carry.toString('base64'));
    this.#carry = Buffer.alloc(0);
  }
}
