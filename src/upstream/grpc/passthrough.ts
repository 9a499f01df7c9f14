/**
 * Native gRPC through the gateway: a call from an HTTP/2 client goes to an endpoint as it came —
 * request fields (metadata), the message bytes streamed both ways unchanged (unary, client,
 * server and bidirectional streaming alike), the answer's head, and its trailers (grpc-status,
 * grpc-message, details, trailing metadata). The client's grpc-timeout is kept, lowered to the
 * upstream's `timeouts.total`; when it passes the gateway ends the call with DEADLINE_EXCEEDED
 * itself and resets the upstream stream. A client that goes away resets the upstream stream
 * (RST_STREAM CANCEL). An endpoint that resets the stream after answering leaves the client
 * UNAVAILABLE in trailers; a failure before any answer is the gateway's problem (502/503/504),
 * which gRPC clients read through the HTTP status mapping.
 */
import { constants, type ClientHttp2Stream, type Http2ServerResponse, type OutgoingHttpHeaders } from 'node:http2';
import type { Readable } from 'node:stream';
import type { Exchange } from '../../listener/exchange.js';
import type { GrpcUpstreamConfig } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import type { ClusterStreams } from './cluster-streams.js';
import { effectiveDeadline, formatGrpcTimeout, parseGrpcTimeout } from './grpc-timeout.js';
import { answerFields, forwardRequestFields } from './forward-fields.js';
import { encodeGrpcMessage } from './metadata.js';
import { translateSessionError } from './session.js';
import { attemptEnded, attemptStarted } from './attempt-telemetry.js';

export async function passThrough(exchange: Exchange, streams: ClusterStreams, config: GrpcUpstreamConfig): Promise<void> {
  const { req } = exchange;
  const res = exchange.res as unknown as Http2ServerResponse;
  const clientTimeout = parseGrpcTimeout(req.headers['grpc-timeout']);
  if (clientTimeout === null) {
    // A gRPC client reads a status, not a problem body: Trailers-Only INVALID_ARGUMENT.
    answerStatus(exchange, 3, `malformed grpc-timeout '${String(req.headers['grpc-timeout'])}' (1-8 digits and a unit of H M S m u n)`);
    return;
  }
  const deadline = effectiveDeadline(clientTimeout, config.timeouts.total);
  const extra: OutgoingHttpHeaders = { te: 'trailers' };
  if (deadline !== undefined) extra['grpc-timeout'] = formatGrpcTimeout(deadline);
  // The response's own 'close' tells of a client gone: no AbortController per call on this path.
  const fields = forwardRequestFields(req.headers, extra);
  const attempt = attemptStarted(exchange, config.name, fields);
  let opened;
  try {
    opened = await streams.open(exchange.path, fields, undefined, { headers: req.headers, remoteAddress: exchange.remoteAddress });
  } catch (err) {
    attemptEnded(attempt, { error: err });
    throw err;
  }
  const up = opened.stream;
  let grpcStatus: number | undefined;
  let timedOut = false;

  const stopForwarding = exchange.body !== undefined ? (up.end(exchange.body), undefined) : forward(req, up);

  const cancel = () => {
    if (!up.closed) up.close(constants.NGHTTP2_CANCEL);
  };
  if (exchange.aborted) cancel();
  else res.once('close', cancel);
  const timer =
    deadline === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          up.close(constants.NGHTTP2_CANCEL);
        }, deadline);

  await new Promise<void>((resolve, reject) => {
    let answered: number | undefined;
    up.on('response', (head, flags) => {
      const status = Number(head[':status']);
      answered = status;
      if (head['grpc-status'] !== undefined) grpcStatus = Number(head['grpc-status']);
      // Trailers-Only (the head ends the stream) stays one block: clients read grpc-status there only then.
      if (res.stream.destroyed) return;
      if ((flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0) respondTrailersOnly(exchange, status, answerFields(head));
      else exchange.writeHead(status, answerFields(head));
    });
    up.on('data', (chunk: Buffer) => {
      if (res.stream.destroyed) return;
      if (!res.write(chunk)) {
        up.pause();
        res.once('drain', () => up.resume());
      }
    });
    up.on('trailers', (trailers) => {
      if (trailers['grpc-status'] !== undefined) grpcStatus = Number(trailers['grpc-status']);
      if (!res.stream.destroyed) res.addTrailers(answerFields(trailers));
    });
    let streamError: NodeJS.ErrnoException | undefined;
    up.on('error', (err: NodeJS.ErrnoException) => (streamError = err));
    up.once('close', () => {
      clearTimeout(timer);
      attemptEnded(attempt, answered === undefined ? { error: streamError ?? new Error(`stream closed (RST_STREAM ${up.rstCode ?? 0})`) } : { statusCode: answered });
      res.off('close', cancel);
      stopForwarding?.();
      // A client gone (it may have cancelled at its own deadline as the gateway's passed) gets nothing more.
      if (exchange.aborted || res.stream.destroyed) {
        opened.finish(timedOut ? { failure: 'timeout' } : { grpcStatus: 1 });
        return resolve();
      }
      if (timedOut) {
        opened.finish({ failure: 'timeout' });
        if (!res.headersSent) answerStatus(exchange, 4, `deadline of ${deadline} ms exceeded`);
        else endWithStatus(res, 4, `deadline of ${deadline} ms exceeded`);
        return resolve();
      }
      if (!res.headersSent) {
        opened.finish({ failure: up.rstCode === constants.NGHTTP2_REFUSED_STREAM ? 'connect' : 'reset' });
        return reject(streamError === undefined ? new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${opened.label}: the stream was reset before an answer (RST_STREAM ${up.rstCode ?? 0})`) : translateSessionError(streamError, opened.label));
      }
      if (grpcStatus === undefined) {
        opened.finish({ failure: 'reset' });
        endWithStatus(res, 14, `upstream ${config.name} reset the stream (RST_STREAM ${up.rstCode ?? 0})`);
        return resolve();
      }
      opened.finish({ grpcStatus });
      if (!res.writableEnded && !res.stream.destroyed) res.end();
      resolve();
    });
  });
}

/**
 * The client's request messages to the upstream stream, with backpressure; returns what stops it.
 * Two listeners instead of `pipe`, whose half a dozen listeners per call showed in the profile.
 */
function forward(req: Readable, up: ClientHttp2Stream): () => void {
  const onData = (chunk: Buffer) => {
    if (!up.write(chunk)) {
      req.pause();
      up.once('drain', () => req.resume());
    }
  };
  const onEnd = () => up.end();
  if (req.readableEnded) {
    up.end();
    return () => undefined;
  }
  req.on('data', onData);
  req.once('end', onEnd);
  return () => {
    req.off('data', onData);
    req.off('end', onEnd);
  };
}

/** A Trailers-Only answer: status 200, grpc-status and grpc-message in the only header block. */
export function answerStatus(exchange: Exchange, code: number, message: string): void {
  respondTrailersOnly(exchange, 200, { 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message) });
}

/** One header block that ends the stream, written on the HTTP/2 stream itself: node's compatibility response would add an empty trailer block. */
function respondTrailersOnly(exchange: Exchange, status: number, fields: OutgoingHttpHeaders): void {
  const res = exchange.res as unknown as Http2ServerResponse;
  if (res.stream.destroyed || res.stream.headersSent) return;
  exchange.applyHeadHooks(status, fields);
  res.stream.respond({ ...fields, ':status': status }, { endStream: true });
}

function endWithStatus(res: Http2ServerResponse, code: number, message: string): void {
  if (res.writableEnded || res.stream.destroyed) return;
  res.addTrailers({ 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message) });
  res.end();
}
