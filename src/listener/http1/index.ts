/**
 * The HTTP/1.1 codec of the data path (SPEC section 14): what the listener and the HTTP upstream
 * use instead of node:http. How to drive each part is in its module's header:
 *
 * - request-parser.ts: RequestParser, one per client connection (heads, body pieces, ends;
 *   pause/resume; upgrades; errors to answer 400/431/413 and close);
 * - response-parser.ts: ResponseParser, one per upstream connection;
 * - write-response-head.ts: serializeResponseHead, the status line and fields in one string plus
 *   the framing decision; chunked-encoder.ts for chunked bodies and trailers.
 *
 * Strictness: whatever llhttp refuses with node's defaults is refused (test/listener/http1 checks
 * it stream by stream against a real node:http server). Where the codec is stricter than llhttp:
 * HTTP/0.9 lines, HTTP/2.0, RTSP/ICE versions; more than one space in the request line;
 * asterisk-form other than `OPTIONS *`; CONNECT without host:port; absolute-form with an empty
 * authority or two "@"; stray bare CR or LF between requests; two Host fields; an empty
 * Transfer-Encoding; Connection, Proxy-Connection or Upgrade in trailers; Content-Length and chunk
 * sizes past 2^53-1; the head and chunk-line limits counting every byte; more than 100 fields.
 * On keep-alive, `close` always wins (HTTP/1.0 with keep-alive and close, `close` followed by an
 * HTAB) and an HTTP/1.0 request with Transfer-Encoding closes the connection after it.
 */
export { RequestParser, type RequestHandler } from './request-parser.js';
export { RequestHead, type RequestBodyKind } from './request-head.js';
export { ResponseParser, type ResponseHandler } from './response-parser.js';
export { ResponseHead, type ResponseBodyKind } from './response-head.js';
export { serializeResponseHead, type ResponseHeadInit, type ResponseFraming, type SerializedHead } from './write-response-head.js';
export { CRLF, LAST_CHUNK, chunkSizeLine, encodeChunk, lastChunk } from './chunked-encoder.js';
export { Http1Error, isHttp1Error, reasons, type Http1Reason, type Http1Side } from './http1-error.js';
export { DEFAULT_LIMITS, type Http1Limits } from './limits.js';
export type { HttpVersion } from './start-line.js';
export type { OutgoingFields } from './outgoing-fields.js';
