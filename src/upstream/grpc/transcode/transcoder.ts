/**
 * REST/JSON to gRPC on a grpc upstream, with grpc-gateway v2's semantics and defaults (SPEC
 * section 3): the request's method and path pick a `google.api.http` binding (binding-table.ts),
 * the request message is built from body, path and query (request-builder.ts), the call goes
 * through the upstream's GrpcInvoker with the headers turned into metadata (metadata.ts) and the
 * client's `Grpc-Timeout` as deadline, and the answer is written as JSON, a newline-delimited or
 * server-sent-event stream, or a grpc-gateway-compatible problem (response-writer.ts,
 * error-response.ts).
 *
 * Client and bidirectional streaming methods are not transcoded (they are served over native
 * gRPC and gRPC-Web): their bindings answer UNIMPLEMENTED, HTTP 501.
 */
import { toBinary } from '@bufbuild/protobuf';
import type { Readable } from 'node:stream';
import type { GrpcUpstreamConfig } from '../../../config/types.js';
import { SwitchyardError } from '../../../errors.js';
import type { Exchange } from '../../../listener/exchange.js';
import type { CallSignal, GrpcInvoker } from '../invoker.js';
import { effectiveDeadline, parseGrpcTimeout } from '../grpc-timeout.js';
import { BindingTable } from './binding-table.js';
import { readBindings, type Binding } from './bindings.js';
import { failure, sendFailure, TranscodeError } from './error-response.js';
import { createJsonCodec } from './message-json.js';
import { MetadataError, requestMetadata } from './metadata.js';
import { splitRequestPath } from './path-template.js';
import { buildRequest, type BuildContext } from './request-builder.js';
import { writeServerStream, writeUnary, type WriteContext } from './response-writer.js';

/** One REST binding, as `switchyard` mounts and lists it. */
export interface BindingInfo {
  /** GET, POST... or a custom method. */
  readonly httpMethod: string;
  /** The `google.api.http` path template as written (`/v1/{name=shelves/*}`). */
  readonly template: string;
  /** `package.Service`. */
  readonly service: string;
  readonly method: string;
  /** `/package.Service/Method`. */
  readonly grpcPath: string;
  readonly streaming: Binding['streaming'];
  /** The parsed binding, for mounting. */
  readonly binding: Binding;
}

export interface Transcoder {
  /** Serves one REST/JSON request by calling through `invoker`; never throws for bad input (answers it). */
  handle(exchange: Exchange, invoker: GrpcInvoker): Promise<void>;
  /** Every binding, in declaration order. */
  bindings(): readonly BindingInfo[];
}

/** What the transcoder reads of a grpc upstream's config; `timeouts.total` caps every call's deadline (0: no cap). */
export type TranscoderConfig = Pick<GrpcUpstreamConfig, 'name' | 'descriptors' | 'json' | 'unknownQueryParameters'> & { readonly timeouts?: Pick<GrpcUpstreamConfig['timeouts'], 'total'> };

const INVALID_ARGUMENT = 3;
const BODY_LIMIT_DEFAULT = 10 * 1024 * 1024;

/**
 * Reads the upstream's bindings once, when the config loads; a binding grpc-gateway's generator
 * would refuse makes this throw SY_ERR_CONFIG_UPSTREAM naming it.
 */
export function createTranscoder(config: TranscoderConfig): Transcoder {
  const { registry, bindings, problems } = config.descriptors.length === 0 ? { registry: undefined, bindings: [], problems: [] } : readBindings(config.descriptors);
  if (problems.length > 0) throw new SwitchyardError('SY_ERR_CONFIG_UPSTREAM', `upstream ${config.name}: ${problems.join('; ')}`);
  const table = new BindingTable(bindings);
  const infos: BindingInfo[] = bindings.map((b) => ({
    httpMethod: b.httpMethod,
    template: b.template.source,
    service: b.method.parent.typeName,
    method: b.method.name,
    grpcPath: b.grpcPath,
    streaming: b.streaming,
    binding: b,
  }));
  const codec = registry === undefined ? undefined : createJsonCodec(config.json, registry);
  const rejectUnknownQuery = config.unknownQueryParameters === 'reject';

  async function handle(exchange: Exchange, invoker: GrpcInvoker): Promise<void> {
    try {
      const split = splitRequestPath(exchange.path);
      if ('bad' in split) throw failure('SY_ERR_TRANSCODE_BAD_PATH', INVALID_ARGUMENT, split.bad);
      const found = table.match(exchange.req.method ?? 'GET', split.components);
      if (found.kind === 'not-found') throw failure('SY_ERR_TRANSCODE_NO_BINDING', 5, 'Not Found');
      if (found.kind === 'method-not-allowed') throw failure('SY_ERR_TRANSCODE_METHOD', 12, 'Method Not Allowed');
      const binding = found.binding;
      if (registry === undefined || codec === undefined) throw failure('SY_ERR_TRANSCODE_NO_BINDING', 5, 'Not Found');
      if (binding.streaming === 'client_streaming' || binding.streaming === 'bidi_streaming') {
        throw failure('SY_ERR_TRANSCODE_STREAMING', 12, `${binding.grpcPath} is a ${binding.streaming.replace('_', ' ')} method, served over native gRPC and gRPC-Web only`);
      }
      const headers = exchange.req.headers;
      let metadata: [string, string][];
      try {
        metadata = requestMetadata(exchange.req.rawHeaders, headers, exchange.remoteAddress);
      } catch (err) {
        if (err instanceof MetadataError) throw failure('SY_ERR_TRANSCODE_BAD_METADATA', INVALID_ARGUMENT, err.message);
        throw err;
      }
      const clientDeadline = parseGrpcTimeout(headers['grpc-timeout']);
      if (clientDeadline === null) throw failure('SY_ERR_GRPC_TIMEOUT', INVALID_ARGUMENT, `invalid grpc-timeout: ${String(headers['grpc-timeout'])}`);
      const deadline = effectiveDeadline(clientDeadline, config.timeouts?.total ?? 0);
      const body = binding.body === undefined ? Buffer.alloc(0) : (exchange.body ?? (await readBody(exchange.req, exchange.match?.route.bodySize ?? BODY_LIMIT_DEFAULT)));
      const ctx: BuildContext & WriteContext = { codec, registry, rejectUnknownQuery };
      const request = buildRequest(binding, { values: found.values, query: exchange.query, body, contentType: headers['content-type'] }, ctx);
      const call = invoker.call(binding.grpcPath, [toBinary(binding.method.input, request)], { metadata, deadline, signal: clientGone(exchange) });
      if (binding.streaming === 'server_streaming') await writeServerStream(exchange, call, binding, ctx, wantsEventStream(headers.accept));
      else await writeUnary(exchange, call, binding, ctx);
    } catch (err) {
      if (err instanceof TranscodeError) return sendFailure(exchange, err.failure);
      throw err;
    }
  }

  return { handle, bindings: () => infos };
}

/**
 * Aborts when the client goes away before its answer is complete, as `exchange.signal` does,
 * without an AbortController per call (which showed in the transcoder's profile): a listener on
 * the response's 'close' while the call has one of its own.
 */
function clientGone(exchange: Exchange): CallSignal {
  const res = exchange.res;
  let onClose: (() => void) | undefined;
  return {
    get aborted() {
      return exchange.aborted;
    },
    addEventListener(_type, listener) {
      if (onClose !== undefined) res.off('close', onClose);
      onClose = () => {
        onClose = undefined;
        if (!res.writableFinished) listener();
      };
      res.once('close', onClose);
    },
    removeEventListener() {
      if (onClose !== undefined) res.off('close', onClose);
      onClose = undefined;
    },
  };
}

function wantsEventStream(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept);
}

/**
 * The whole request body, refused beyond `limit` bytes (RESOURCE_EXHAUSTED with HTTP 413). Read
 * with 'data' and 'end' listeners: an async iterator over the request cost a few per cent of the
 * gateway's CPU per transcoded call.
 */
function readBody(req: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      done();
      req.resume();
      reject(new TranscodeError({ errorCode: 'SY_ERR_BODY_TOO_LARGE', grpcCode: 8, httpStatus: 413, message: `request body exceeds the limit of ${limit} bytes`, details: [] }));
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    // A client gone before the end: the body is incomplete, as the iterator's premature close said.
    const onClose = () => {
      if (req.readableEnded) return;
      done();
      reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    if (req.readableEnded) return resolve(Buffer.alloc(0));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
