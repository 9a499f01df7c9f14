/**
 * The GrpcInvoker (invoker.ts) over a grpc upstream's cluster: a call is a stream opened by
 * ClusterStreams, the request messages framed and written as the caller yields them (the
 * request side half-closed after the last), the answer's frames cut into messages, and the end
 * read from the trailers. Whatever happens, `status` resolves: a transport failure is
 * UNAVAILABLE, the deadline passing DEADLINE_EXCEEDED, the caller's signal CANCELLED, each also
 * resetting the stream (RST_STREAM CANCEL) so the upstream stops working on it.
 */
import { constants, type ClientHttp2Stream } from 'node:http2';
import { once } from 'node:events';
import { SwitchyardError, isSwitchyardError } from '../../errors.js';
import type { GrpcCall, GrpcCallOptions, GrpcInvoker, GrpcMetadata, GrpcStatus } from './invoker.js';
import type { ClusterStreams, OpenedStream } from './cluster-streams.js';
import { FrameReader, frame } from './frames.js';
import { effectiveDeadline, formatGrpcTimeout } from './grpc-timeout.js';
import { fieldsOf, metadataOf, statusOf } from './metadata.js';

/** Largest message taken from an upstream (grpc-go's and grpc-js's default receive limit). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** `deadlineCap`: the upstream's `timeouts.total` (0: none), which lowers every call's deadline. */
export function createClusterInvoker(streams: ClusterStreams, deadlineCap: number): GrpcInvoker {
  return { call: (path, requests, options) => startCall(streams, path, requests, { ...options, deadline: effectiveDeadline(options.deadline, deadlineCap) }) };
}

function startCall(streams: ClusterStreams, path: string, requests: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: GrpcCallOptions): GrpcCall {
  const queue = new MessageQueue();
  // Settled once: the error for a call that ends before its headers is only built for that call.
  let headersPending = true;
  let resolveHeaders!: (m: GrpcMetadata) => void;
  let rejectHeaders!: (e: SwitchyardError) => void;
  const headers = new Promise<GrpcMetadata>((resolve, reject) => {
    resolveHeaders = (m) => {
      headersPending = false;
      resolve(m);
    };
    rejectHeaders = reject;
  });
  // A caller that only awaits `status` must not see an unhandled rejection.
  headers.catch(() => undefined);
  let resolveStatus!: (s: GrpcStatus) => void;
  const status = new Promise<GrpcStatus>((resolve) => (resolveStatus = resolve));
  const end = (s: GrpcStatus, error?: SwitchyardError) => {
    if (headersPending) rejectHeaders(error ?? new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `the call ended (grpc-status ${s.code}) before response headers`));
    queue.end();
    resolveStatus(s);
  };

  const fields = fieldsOf(options.metadata, { 'content-type': 'application/grpc', te: 'trailers' });
  if (options.deadline !== undefined) fields['grpc-timeout'] = formatGrpcTimeout(options.deadline);
  void streams.open(path, fields, options.signal).then(
    (opened) => run(opened.stream, opened.finish, opened.label),
    (err: unknown) => {
      const error = isSwitchyardError(err) ? err : new SwitchyardError('SY_ERR_INTERNAL', 'the call could not start', { cause: err });
      end(localStatus(14, error.message), error);
    },
  );

  function run(stream: ClientHttp2Stream, done: OpenedStream['finish'], label: string): void {
    let final: GrpcStatus | undefined;
    let failure: SwitchyardError | undefined;
    const reader = new FrameReader(MAX_MESSAGE_BYTES);
    const fail = (code: number, error: SwitchyardError) => {
      if (final !== undefined) return;
      final = localStatus(code, error.message);
      failure = error;
      stream.close(constants.NGHTTP2_CANCEL);
    };
    const onAbort = () => fail(1, new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${label}: the call was cancelled`));
    options.signal.addEventListener('abort', onAbort, { once: true });
    const timer = options.deadline === undefined ? undefined : setTimeout(() => fail(4, new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${label}: deadline of ${options.deadline} ms exceeded`)), options.deadline);
    stream.on('response', (head) => {
      const code = Number(head[':status']);
      if (code !== 200) return fail(httpStatusToGrpc(code), new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${label}: answered HTTP ${code}, not a gRPC response`));
      const trailersOnly = statusOf(head);
      if (trailersOnly !== undefined) final = trailersOnly;
      resolveHeaders(metadataOf(head));
    });
    stream.on('data', (chunk: Buffer) => {
      try {
        for (const f of reader.push(chunk)) {
          if ((f.flags & 1) !== 0) return fail(13, new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${label}: sent a compressed message though none was accepted`));
          queue.push(f.data);
        }
      } catch (err) {
        fail(8, new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${label}: ${(err as Error).message}`));
      }
    });
    stream.on('trailers', (trailers) => {
      final ??= statusOf(trailers) ?? localStatus(13, `${label}: trailers without grpc-status`);
    });
    stream.on('error', (err: NodeJS.ErrnoException) => fail(14, new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${label}: ${err.code ?? err.message}`, { cause: err })));
    stream.once('close', () => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      if (final === undefined) {
        failure = new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${label}: the stream closed without a status (RST_STREAM ${stream.rstCode ?? 0})`);
        final = localStatus(14, failure.message);
      }
      done(failure === undefined ? { grpcStatus: final.code } : { failure: failure.code === 'SY_ERR_UPSTREAM_TIMEOUT' ? 'timeout' : failure.code === 'SY_ERR_UPSTREAM_PROTOCOL' ? 'protocol' : 'reset' });
      end(final, failure);
    });
    if (Array.isArray(requests)) writeAll(stream, requests as readonly Uint8Array[]);
    else void writeRequests(stream, requests).catch((err: unknown) => fail(13, new SwitchyardError('SY_ERR_INTERNAL', `${label}: the request messages failed`, { cause: err })));
  }

  return { headers, messages: queue, status };
}

/**
 * Messages already at hand (a transcoded call's one): written at once, the last with the end of
 * the request side, so a unary request is one DATA frame with END_STREAM and costs no promise.
 */
function writeAll(stream: ClientHttp2Stream, requests: readonly Uint8Array[]): void {
  if (stream.destroyed) return;
  const last = requests.length - 1;
  for (let i = 0; i < last; i++) stream.write(frame(requests[i] as Uint8Array));
  if (last >= 0) stream.end(frame(requests[last] as Uint8Array));
  else stream.end();
}

async function writeRequests(stream: ClientHttp2Stream, requests: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
  for await (const message of requests) {
    if (stream.destroyed) return;
    if (!stream.write(frame(message))) await once(stream, 'drain');
  }
  if (!stream.destroyed) stream.end();
}

function localStatus(code: number, message: string): GrpcStatus {
  return { code, message, details: undefined, trailers: [] };
}

/** gRPC's HTTP-to-status mapping (http-grpc-status-mapping.md) for an answer that is not gRPC. */
export function httpStatusToGrpc(status: number): number {
  switch (status) {
    case 400:
      return 13;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return 12;
    case 429:
    case 502:
    case 503:
    case 504:
      return 14;
    default:
      return 2;
  }
}

/** Messages as they arrive, read by one consumer with `for await`. */
class MessageQueue implements AsyncIterable<Uint8Array> {
  readonly #items: Uint8Array[] = [];
  #waiting: ((r: IteratorResult<Uint8Array>) => void) | undefined;
  #ended = false;

  push(item: Uint8Array): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting({ value: item, done: false });
    } else this.#items.push(item);
  }

  end(): void {
    this.#ended = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiting = resolve));
      },
    };
  }
}
