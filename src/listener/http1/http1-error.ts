/**
 * Why the HTTP/1.1 codec refused a message. Each refusal has a stable `reason` (callers and tests
 * match on it, never on the message text) and comes out as a SwitchyardError with a code from the
 * catalogue: a request the listener must answer 400 (or 431 for the size limits) and close, a
 * response from an upstream that is a 502. Reasons are never renamed or reused, like error codes.
 */
import { SwitchyardError, type ErrorCode } from '../../errors.js';

/** Every reason, with the lowercase description its error message starts with. */
export const reasons = {
  // --- start line --------------------------------------------------------------------------
  'invalid-method': 'method is not a method llhttp knows',
  'invalid-request-line': 'request line is not method SP request-target SP HTTP-version',
  'invalid-target': 'request-target is not in a form allowed for its method',
  'invalid-target-char': 'request-target contains a byte outside visible ASCII',
  'invalid-version': 'HTTP version is not HTTP/1.0 or HTTP/1.1',
  'invalid-status-line': 'status line is not HTTP-version SP 3DIGIT SP reason',
  // --- line endings ------------------------------------------------------------------------
  'bare-lf': 'line ends with LF without CR (RFC 9112 §2.2)',
  'bare-cr': 'CR not followed by LF (RFC 9112 §2.2)',
  // --- header fields -----------------------------------------------------------------------
  'invalid-header-name': 'header field name is empty or holds a byte outside tchar',
  'space-before-colon': 'whitespace between a header field name and the colon (RFC 9112 §5.1)',
  'invalid-header-value': 'header field value holds a control byte or NUL (RFC 9110 §5.5)',
  'obs-fold': 'header field line folded onto the next line (obs-fold, RFC 9112 §5.2)',
  'whitespace-after-start-line': 'whitespace before the first header field (RFC 9112 §2.2)',
  'duplicate-host': 'more than one Host header field (RFC 9112 §3.2)',
  'headers-too-large': 'request line and header fields exceed the header size limit',
  'too-many-headers': 'more header fields than the header count limit',
  // --- framing ------------------------------------------------------------------------------
  'invalid-content-length': 'Content-Length is not a non-negative decimal integer (RFC 9110 §8.6)',
  'content-length-too-large': 'Content-Length is beyond 2^53-1',
  'duplicate-content-length': 'more than one Content-Length header field',
  'content-length-with-transfer-encoding': 'both Content-Length and Transfer-Encoding (RFC 9112 §6.3)',
  'invalid-transfer-encoding': 'Transfer-Encoding of a request does not end with chunked exactly once (RFC 9112 §6.1)',
  'invalid-chunk-size': 'chunk size is not hexadecimal digits (RFC 9112 §7.1)',
  'chunk-size-too-large': 'chunk size is beyond 2^53-1',
  'invalid-chunk-extension': 'chunk extension does not follow RFC 9112 §7.1.1',
  'chunk-extensions-too-large': 'chunk size line exceeds the chunk extension limit',
  'missing-crlf-after-chunk': 'chunk data is not followed by CRLF (RFC 9112 §7.1)',
  'forbidden-trailer': 'trailer field that controls framing or the connection (RFC 9110 §6.5.1)',
  'trailers-too-large': 'trailer section exceeds the header size or count limit',
  // --- connection ---------------------------------------------------------------------------
  'data-after-close': 'bytes after a message that closes the connection',
  'unexpected-eof': 'connection ended inside a message',
  'unexpected-data': 'bytes from the upstream when no response was expected',
  'invalid-status': 'status code is not three digits from 100 to 999',
  // --- responses the gateway writes -----------------------------------------------------------
  'invalid-reason': 'reason phrase holds a control byte, CR or LF',
  'unsupported-transfer-encoding': 'Transfer-Encoding to send does not end with chunked, the only coding the codec frames',
} as const satisfies Record<string, string>;

export type Http1Reason = keyof typeof reasons;

/** Limits exceeded by a request's head: 431, as node answers HPE_HEADER_OVERFLOW. */
const HEAD_LIMITS: ReadonlySet<Http1Reason> = new Set(['headers-too-large', 'too-many-headers', 'trailers-too-large']);

/**
 * Whose message was refused: a client's request (400/431/413), an upstream's response (502), or a
 * response the gateway itself was about to send (500: a filter set a header that cannot be sent).
 */
export type Http1Side = 'request' | 'response' | 'outgoing';

export class Http1Error extends SwitchyardError {
  readonly reason: Http1Reason;
  readonly side: Http1Side;

  constructor(side: Http1Side, reason: Http1Reason, context?: string) {
    super(codeFor(side, reason), context === undefined ? reasons[reason] : `${reasons[reason]}: ${context}`);
    this.name = 'Http1Error';
    this.reason = reason;
    this.side = side;
  }
}

function codeFor(side: Http1Side, reason: Http1Reason): ErrorCode {
  if (side === 'outgoing') return 'SY_ERR_INTERNAL';
  if (side === 'response') return HEAD_LIMITS.has(reason) ? 'SY_ERR_UPSTREAM_HEADERS_TOO_LARGE' : 'SY_ERR_UPSTREAM_PROTOCOL';
  if (HEAD_LIMITS.has(reason)) return 'SY_ERR_HEADERS_TOO_LARGE';
  // Chunk extensions belong to the body: 413, as node answers HPE_CHUNK_EXTENSIONS_OVERFLOW.
  return reason === 'chunk-extensions-too-large' ? 'SY_ERR_BODY_TOO_LARGE' : 'SY_ERR_BAD_REQUEST';
}

export function isHttp1Error(err: unknown): err is Http1Error {
  return err instanceof Http1Error;
}
