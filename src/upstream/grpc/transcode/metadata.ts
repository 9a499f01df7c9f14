/**
 * HTTP headers to gRPC metadata and back on a transcoded call, as grpc-gateway v2's
 * AnnotateContext and DefaultHeaderMatcher do (runtime/context.go, runtime/mux.go):
 *
 * - `Grpc-Metadata-Name` goes as `name`; a `-Bin` one is base64 and must decode;
 * - `Authorization` goes as `authorization`, and every IANA permanent request header
 *   (Accept, Authorization, Cookie, Host, User-Agent...) also as `grpcgateway-<name>`;
 * - `x-forwarded-host` (the client's X-Forwarded-Host, else Host) and `x-forwarded-for` (the
 *   client's list with its address appended) are added;
 * - `traceparent` and `tracestate` go as they are (W3C trace context; our addition, so a trace
 *   crosses the transcoder);
 *
 * Response metadata comes back as `Grpc-Metadata-<name>` headers and trailers as
 * `Grpc-Trailer-<name>`. Names starting with `grpc-` are the protocol's own and never cross.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { GrpcMetadata } from '../invoker.js';

// runtime/context.go isPermanentHTTPHeader, lowercased.
const PERMANENT = new Set([
  'accept',
  'accept-charset',
  'accept-language',
  'accept-ranges',
  'authorization',
  'cache-control',
  'content-type',
  'cookie',
  'date',
  'expect',
  'from',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-schedule-tag-match',
  'if-unmodified-since',
  'max-forwards',
  'origin',
  'pragma',
  'referer',
  'user-agent',
  'via',
  'warning',
]);

const PREFIX = 'grpc-metadata-';
const TRACE = new Set(['traceparent', 'tracestate']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class MetadataError extends Error {
  override readonly name = 'MetadataError';
}

/** The metadata of a call made for this request; throws a MetadataError for a bad `-Bin` value. */
export function requestMetadata(rawHeaders: readonly string[], headers: IncomingHttpHeaders, remoteAddress: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = rawHeaders[i + 1] as string;
    if (name === 'authorization') pairs.push(['authorization', value]);
    if (PERMANENT.has(name)) pairs.push([`grpcgateway-${name}`, value]);
    else if (TRACE.has(name)) pairs.push([name, value]);
    else if (name.startsWith(PREFIX) && name.length > PREFIX.length) {
      const key = name.slice(PREFIX.length);
      if (key.startsWith('grpc-')) continue;
      if (key.endsWith('-bin')) {
        const trimmed = value.trim();
        if (!BASE64.test(trimmed)) throw new MetadataError(`invalid binary header ${rawHeaders[i] ?? name}: not base64`);
        pairs.push([key, Buffer.from(trimmed, 'base64').toString('base64')]);
      } else pairs.push([key, value]);
    }
  }
  // HTTP/2 requests carry the host as :authority (RFC 9113 §8.3.1)
  const host = headers['x-forwarded-host'] ?? headers.host ?? headers[':authority'];
  if (typeof host === 'string' && host !== '') pairs.push(['x-forwarded-host', host]);
  if (remoteAddress !== '') {
    const ip = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
    const fwd = headers['x-forwarded-for'];
    pairs.push(['x-forwarded-for', typeof fwd === 'string' && fwd !== '' ? `${fwd}, ${ip}` : ip]);
  }
  return pairs;
}

/** `Grpc-Metadata-*` response headers from the call's header metadata. */
export function metadataHeaders(metadata: GrpcMetadata, into: OutgoingHttpHeaders, prefix = PREFIX): void {
  for (const [name, value] of metadata) {
    if (name.startsWith('grpc-') || name === 'content-type' || name.startsWith(':')) continue;
    const key = prefix + name;
    const existing = into[key];
    if (existing === undefined) into[key] = value;
    else into[key] = [...(Array.isArray(existing) ? existing : [String(existing)]), value];
  }
}

/** `Grpc-Trailer-*` fields from the call's trailers. */
export function trailerHeaders(trailers: GrpcMetadata, into: OutgoingHttpHeaders): void {
  metadataHeaders(trailers, into, 'grpc-trailer-');
}
