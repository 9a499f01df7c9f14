/**
 * Which request fields go on to a gRPC endpoint and which answer fields come back: HTTP/2
 * forbids connection-specific fields (RFC 9113 §8.2.2), pseudo-headers are rebuilt per hop, and
 * the framing fields (content-length, grpc-timeout, content-type for gRPC-Web) are the
 * gateway's to set.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';

const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'content-length', 'grpc-timeout', 'http2-settings', 'expect']);

/** A client's request fields as an upstream call's, plus `extra`; names are lowercase already. */
export function forwardRequestFields(headers: IncomingHttpHeaders, extra: OutgoingHttpHeaders, skip?: ReadonlySet<string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.charCodeAt(0) === 58 /* ':' */ || NOT_FORWARDED.has(name) || skip?.has(name)) continue;
    out[name] = value;
  }
  return Object.assign(out, extra);
}

/** An upstream's answer fields (head or trailers) for the client: pseudo-headers and connection fields left out. */
export function answerFields(headers: IncomingHttpHeaders, skip?: ReadonlySet<string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.charCodeAt(0) === 58 || NOT_FORWARDED.has(name) || skip?.has(name)) continue;
    out[name] = value;
  }
  return out;
}
