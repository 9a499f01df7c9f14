/**
 * gRPC metadata as HTTP/2 fields, both ways: which fields are the protocol's own (pseudo-headers,
 * content-type, te, grpc-* framing fields) rather than metadata, and grpc-message's
 * percent-encoding (PROTOCOL-HTTP2.md: unreserved ASCII as is, every other byte %XX of UTF-8).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import type { GrpcMetadata, GrpcStatus } from './invoker.js';

const PROTOCOL_FIELDS = new Set(['content-type', 'te', 'grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'grpc-status', 'grpc-message', 'grpc-status-details-bin', 'content-length', 'date']);

/** Received fields as metadata pairs: pseudo-headers and the protocol's own fields left out. */
export function metadataOf(headers: IncomingHttpHeaders): GrpcMetadata {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(':') || PROTOCOL_FIELDS.has(name)) continue;
    if (Array.isArray(value)) for (const v of value) out.push([name, v]);
    else out.push([name, String(value)]);
  }
  return out;
}

/** Metadata pairs as outgoing fields (a repeated name becomes a list). */
export function fieldsOf(metadata: GrpcMetadata, into: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  for (const [name, value] of metadata) {
    if (name.startsWith(':') || PROTOCOL_FIELDS.has(name)) continue;
    const prior = into[name];
    into[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [String(prior), value];
  }
  return into;
}

/** The status a trailer block (or a Trailers-Only head) carries; undefined without grpc-status. */
export function statusOf(fields: IncomingHttpHeaders): GrpcStatus | undefined {
  const raw = fields['grpc-status'];
  if (raw === undefined) return undefined;
  const code = Number(raw);
  const details = fields['grpc-status-details-bin'];
  return {
    code: Number.isInteger(code) && code >= 0 && code <= 16 ? code : 2,
    message: decodeGrpcMessage(typeof fields['grpc-message'] === 'string' ? fields['grpc-message'] : ''),
    details: typeof details === 'string' ? new Uint8Array(Buffer.from(details, 'base64')) : undefined,
    trailers: metadataOf(fields),
  };
}

export function decodeGrpcMessage(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function encodeGrpcMessage(value: string): string {
  return Buffer.from(value, 'utf8').reduce((s, b) => s + (b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`), '');
}
