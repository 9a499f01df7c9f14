/**
 * The first line of a message: the request line (RFC 9112 §3) and the status line (§4).
 *
 * Request line: `method SP request-target SP HTTP-version`, one space each (llhttp lets several
 * through; the RFC grammar has one, and a single space is what every client sends). The method
 * must be one llhttp knows (node's `http.METHODS`, PRI excepted: llhttp stops at the HTTP/2
 * preface), so a method node would refuse is refused here. Only HTTP/1.0 and HTTP/1.1: llhttp
 * also takes HTTP/0.9 lines without a version and `HTTP/2.0`, which this gateway does not speak.
 */
import { METHODS } from 'node:http';
import { REASON, SP, TOKEN } from './chars.js';
import { Http1Error } from './http1-error.js';
import { quote } from './field-line.js';
import { checkTarget } from './request-target.js';

export type HttpVersion = '1.0' | '1.1';

const KNOWN_METHODS: ReadonlySet<string> = new Set(METHODS.filter((m) => m !== 'PRI'));

export interface RequestLine {
  method: string;
  target: string;
  version: HttpVersion;
}

/** Parses `buf[start, end)` into `out` (reused by the parser, so no object per request). */
export function parseRequestLine(buf: Buffer, start: number, end: number, out: RequestLine): void {
  let i = start;
  while (i < end && TOKEN[buf[i] as number] === 1) i++;
  if (i === start || i === end || buf[i] !== SP) throw new Http1Error('request', 'invalid-request-line', quote(buf, start, end));
  const targetStart = i + 1;
  const lastSpace = buf.lastIndexOf(SP, end - 1);
  // No second space: an HTTP/0.9 request line, which llhttp serves and this does not.
  if (lastSpace === i) throw new Http1Error('request', 'invalid-version', `no version: ${quote(buf, start, end)}`);
  const version = end - lastSpace === 9 ? versionAt(buf, lastSpace + 1) : undefined;
  if (version === undefined) throw new Http1Error('request', 'invalid-version', quote(buf, lastSpace + 1, end));
  const method = methodAt(buf, start, i);
  const targetEnd = lastSpace;
  if (targetEnd === targetStart || buf[targetStart] === SP || buf[targetEnd - 1] === SP) throw new Http1Error('request', 'invalid-request-line', quote(buf, start, end));
  checkTarget(buf, targetStart, targetEnd, method);
  out.method = method;
  out.target = buf.toString('latin1', targetStart, targetEnd);
  out.version = version;
}

/** Constant strings for the usual methods: no allocation, and comparisons by identity. */
function methodAt(buf: Buffer, start: number, end: number): string {
  const len = end - start;
  const b0 = buf[start];
  if (len === 3 && b0 === 0x47 && buf[start + 1] === 0x45 && buf[start + 2] === 0x54) return 'GET';
  if (len === 4 && b0 === 0x50 && buf[start + 1] === 0x4f && buf[start + 2] === 0x53 && buf[start + 3] === 0x54) return 'POST';
  const method = buf.toString('latin1', start, end);
  if (!KNOWN_METHODS.has(method)) throw new Http1Error('request', 'invalid-method', JSON.stringify(method));
  return method;
}

/** "HTTP/1.1" or "HTTP/1.0" at `at`, else undefined. */
export function versionAt(buf: Buffer, at: number): HttpVersion | undefined {
  if (buf[at] !== 0x48 || buf[at + 1] !== 0x54 || buf[at + 2] !== 0x54 || buf[at + 3] !== 0x50 || buf[at + 4] !== 0x2f) return undefined;
  if (buf[at + 5] !== 0x31 || buf[at + 6] !== 0x2e) return undefined;
  const minor = buf[at + 7];
  return minor === 0x31 ? '1.1' : minor === 0x30 ? '1.0' : undefined;
}

export interface StatusLine {
  version: HttpVersion;
  status: number;
  reason: string;
}

/**
 * Status line: `HTTP-version SP 3DIGIT SP reason-phrase`, the reason possibly empty; a line that
 * stops after the code (no second space) is accepted as llhttp accepts it.
 */
export function parseStatusLine(buf: Buffer, start: number, end: number, out: StatusLine): void {
  const version = end - start >= 12 ? versionAt(buf, start) : undefined;
  if (version === undefined || buf[start + 8] !== SP) throw new Http1Error('response', 'invalid-status-line', quote(buf, start, end));
  let status = 0;
  for (let i = start + 9; i < start + 12; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) throw new Http1Error('response', 'invalid-status-line', quote(buf, start, end));
    status = status * 10 + d;
  }
  if (status < 100) throw new Http1Error('response', 'invalid-status', String(status));
  let reason = '';
  if (end > start + 12) {
    if (buf[start + 12] !== SP) throw new Http1Error('response', 'invalid-status-line', quote(buf, start, end));
    for (let i = start + 13; i < end; i++) {
      if (REASON[buf[i] as number] !== 1) throw new Http1Error('response', 'invalid-status-line', quote(buf, start, end));
    }
    reason = buf.toString('latin1', start + 13, end);
  }
  out.version = version;
  out.status = status;
  out.reason = reason;
}
