/**
 * Writes a transcoded call's answer, as grpc-gateway v2's ForwardResponseMessage and
 * ForwardResponseStream do (runtime/handler.go):
 *
 * - unary: 200 with the response message's JSON (or its `response_body` field's), response
 *   metadata as `Grpc-Metadata-*` headers; the call's trailers as `Grpc-Trailer-*` fields. The
 *   answer is buffered until the call ends, so these go as headers (grpc-gateway sends them as
 *   HTTP trailers, only to a client that sent `TE: trailers`; ours reach every client);
 * - server streaming: one `{"result": ...}` object per message, each followed by a newline; a
 *   failure before the first message sets the HTTP status and is the only line,
 *   `{"error": ...}`; a failure after it is a final `{"error": ...}` line (status stays 200);
 * - with `Accept: text/event-stream`, the same objects as server-sent events
 *   (`data: {...}` then a blank line; a failure is `event: error`);
 * - google.api.HttpBody answers are raw: the message's `content_type` and `data` (each
 *   streamed message's data in turn).
 */
import { fromBinary, type DescMessage, type JsonValue, type Message, type Registry } from '@bufbuild/protobuf';
import type { OutgoingHttpHeaders } from 'node:http';
import { isSwitchyardError } from '../../../errors.js';
import type { Exchange } from '../../../listener/exchange.js';
import type { GrpcCall, GrpcMetadata, GrpcStatus } from '../invoker.js';
import type { Binding } from './bindings.js';
import { failureProblem, sendFailure, type TranscodeFailure } from './error-response.js';
import { decodeStatusDetails } from './grpc-status.js';
import type { JsonCodec } from './message-json.js';
import { metadataHeaders, trailerHeaders } from './metadata.js';
import { HTTP_BODY } from './request-builder.js';

export interface WriteContext {
  readonly codec: JsonCodec;
  readonly registry: Registry;
}

/** Awaits the response metadata; a call that failed before it gives the failure instead. */
async function headersOf(call: GrpcCall): Promise<{ metadata: GrpcMetadata } | { failure: TranscodeFailure }> {
  try {
    return { metadata: await call.headers };
  } catch (err) {
    const status = await call.status;
    const chain = isSwitchyardError(err) ? [...err.chain, { source: 'gateway', code: err.code, status: err.status, detail: err.message }] : [];
    return { failure: { errorCode: isSwitchyardError(err) ? err.code : 'SY_ERR_GRPC_STATUS', grpcCode: status.code === 0 ? 14 : status.code, message: status.message, details: [], chain } };
  }
}

/** The failure a non-OK status stands for, its details decoded. */
function statusFailure(status: GrpcStatus, registry: Registry): TranscodeFailure {
  const decoded = status.details === undefined ? undefined : decodeStatusDetails(status.details, registry);
  return { errorCode: 'SY_ERR_GRPC_STATUS', grpcCode: status.code, message: status.message, details: decoded?.details ?? [], fromService: true };
}

function badResponse(binding: Binding, err: unknown): TranscodeFailure {
  return { errorCode: 'SY_ERR_TRANSCODE_BAD_RESPONSE', grpcCode: 13, message: `the response of ${binding.grpcPath} cannot be decoded as ${binding.method.output.typeName}: ${(err as Error).message}`, details: [] };
}

/** The body of one response message: JSON, or raw bytes for HttpBody. */
function render(binding: Binding, message: Message, ctx: WriteContext): { json: JsonValue } | { raw: Uint8Array; contentType: string } {
  const output = binding.method.output;
  const field = binding.responseBody;
  if (field === undefined && output.typeName === HTTP_BODY) return rawBody(message);
  if (field !== undefined && field.fieldKind === 'message' && field.message.typeName === HTTP_BODY) {
    const inner = (message as unknown as Record<string, Message | undefined>)[field.localName];
    return inner === undefined ? { raw: new Uint8Array(0), contentType: '' } : rawBody(inner);
  }
  const json = ctx.codec.write(output, message);
  if (field === undefined) return { json };
  const key = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json[field.jsonName] ?? json[field.name]) : undefined;
  // left out without emitUnpopulated: grpc-gateway marshals the field's empty value itself
  return { json: key ?? (field.fieldKind === 'list' ? [] : field.fieldKind === 'map' ? {} : null) };
}

function rawBody(message: Message): { raw: Uint8Array; contentType: string } {
  const m = message as unknown as { contentType: string; data: Uint8Array };
  return { raw: m.data, contentType: m.contentType };
}

function decodeMessage(schema: DescMessage, bytes: Uint8Array): Message {
  return fromBinary(schema, bytes);
}

export async function writeUnary(exchange: Exchange, call: GrpcCall, binding: Binding, ctx: WriteContext): Promise<void> {
  const head = await headersOf(call);
  if ('failure' in head) return sendFailure(exchange, head.failure);
  const messages: Uint8Array[] = [];
  for await (const m of call.messages) messages.push(m);
  const status = await call.status;
  const headers: OutgoingHttpHeaders = {};
  // A trailers-only answer (a status and no messages) brings its metadata in the one head; it is
  // trailer metadata, as grpc-go's client reports it to grpc-gateway, so it is not sent twice.
  metadataHeaders(messages.length === 0 ? head.metadata.filter(([n, v]) => !status.trailers.some(([tn, tv]) => tn === n && tv === v)) : head.metadata, headers);
  trailerHeaders(status.trailers, headers);
  if (status.code !== 0) return sendFailure(exchange, statusFailure(status, ctx.registry), headers);
  const bytes = messages[0];
  if (bytes === undefined) return sendFailure(exchange, { errorCode: 'SY_ERR_TRANSCODE_BAD_RESPONSE', grpcCode: 13, message: `${binding.grpcPath} ended with OK but sent no message`, details: [] }, headers);
  let rendered: ReturnType<typeof render>;
  try {
    rendered = render(binding, decodeMessage(binding.method.output, bytes), ctx);
  } catch (err) {
    return sendFailure(exchange, badResponse(binding, err), headers);
  }
  const body = 'raw' in rendered ? Buffer.from(rendered.raw) : Buffer.from(JSON.stringify(rendered.json));
  headers['content-type'] = 'raw' in rendered ? rendered.contentType || 'application/octet-stream' : 'application/json';
  headers['content-length'] = body.length;
  exchange.writeHead(200, headers);
  exchange.res.end(exchange.req.method === 'HEAD' ? undefined : body);
}

export async function writeServerStream(exchange: Exchange, call: GrpcCall, binding: Binding, ctx: WriteContext, sse: boolean): Promise<void> {
  const head = await headersOf(call);
  if ('failure' in head) return sendFailure(exchange, head.failure);
  const res = exchange.res;
  const headers: OutgoingHttpHeaders = {};
  metadataHeaders(head.metadata, headers);
  let started = false;
  const frame = (json: JsonValue, event?: string) => (sse ? `${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(json)}\n\n` : `${JSON.stringify(json)}\n`);
  const start = (status: number, contentType: string) => {
    started = true;
    exchange.writeHead(status, { ...headers, 'content-type': contentType, 'cache-control': 'no-store' });
  };
  let failed: TranscodeFailure | undefined;
  for await (const bytes of call.messages) {
    if (failed !== undefined) continue;
    let rendered: ReturnType<typeof render>;
    try {
      rendered = render(binding, decodeMessage(binding.method.output, bytes), ctx);
    } catch (err) {
      failed = badResponse(binding, err);
      continue;
    }
    if ('raw' in rendered) {
      if (!started) start(200, rendered.contentType || 'application/octet-stream');
      if (!res.write(rendered.raw)) await drained(exchange);
    } else {
      if (!started) start(200, sse ? 'text/event-stream' : 'application/json');
      if (!res.write(frame({ result: rendered.json }))) await drained(exchange);
    }
  }
  const status = await call.status;
  failed ??= status.code === 0 ? undefined : statusFailure(status, ctx.registry);
  if (failed !== undefined) {
    // runtime/handler.go handleForwardResponseStreamError: the status is set only if nothing was written
    const presented = failureProblem(failed, exchange);
    if (!started) start(presented.status, sse ? 'text/event-stream' : 'application/json');
    res.end(frame({ error: presented.problem as JsonValue }, 'error'));
    return;
  }
  if (!started) start(200, sse ? 'text/event-stream' : 'application/json');
  res.end();
}

function drained(exchange: Exchange): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      exchange.res.off('drain', done);
      exchange.res.off('close', done);
      resolve();
    };
    exchange.res.once('drain', done);
    exchange.res.once('close', done);
  });
}
