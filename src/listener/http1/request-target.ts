/**
 * Which request-targets are accepted, RFC 9112 §3.2, within what llhttp's strict URL parser
 * accepts (it refuses any byte outside visible ASCII, a scheme that is not letters, and "\"#<>\\^`{|}"
 * in an authority):
 *
 * - origin-form `/path?query` for every method but CONNECT, any visible ASCII after the "/"
 *   (llhttp lets `"`, `{`, `|`... and a `#fragment` through, and so does this: clients send them);
 * - absolute-form `scheme://authority[/path][?query]` for every method but CONNECT, with a
 *   non-empty authority (RFC 9110 §4.2.1; llhttp accepts `http://`);
 * - authority-form `host:port` for CONNECT only (§3.2.3; llhttp takes anything after CONNECT);
 * - asterisk-form `*` for OPTIONS only (§3.2.4; llhttp takes `*` and `*anything` for any method).
 */
import { AUTHORITY, TARGET } from './chars.js';
import { Http1Error } from './http1-error.js';
import { quote } from './field-line.js';

const SLASH = 0x2f;
const STAR = 0x2a;
const QUESTION = 0x3f;
const COLON = 0x3a;
const AT = 0x40;

/** Throws unless `buf[start, end)` is a request-target `method` may use. */
export function checkTarget(buf: Buffer, start: number, end: number, method: string): void {
  for (let i = start; i < end; i++) {
    if (TARGET[buf[i] as number] !== 1) throw new Http1Error('request', 'invalid-target-char', `byte 0x${(buf[i] as number).toString(16)} in ${quote(buf, start, end)}`);
  }
  const first = buf[start] as number;
  if (method === 'CONNECT') {
    if (!isAuthorityForm(buf, start, end)) throw invalid(buf, start, end, 'CONNECT needs host:port');
    return;
  }
  if (first === SLASH) return;
  if (first === STAR) {
    if (end - start === 1 && method === 'OPTIONS') return;
    throw invalid(buf, start, end, '* is for OPTIONS alone');
  }
  if (!isAbsoluteForm(buf, start, end)) throw invalid(buf, start, end, 'not origin-form or absolute-form');
}

function isAlpha(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function isAbsoluteForm(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  while (i < end && isAlpha(buf[i] as number)) i++;
  if (i === start || end - i < 3 || buf[i] !== COLON || buf[i + 1] !== SLASH || buf[i + 2] !== SLASH) return false;
  i += 3;
  const authority = i;
  let ats = 0;
  while (i < end && AUTHORITY[buf[i] as number] === 1) {
    if (buf[i] === AT) ats++;
    i++;
  }
  // One userinfo at most: llhttp refuses a second "@" ("Double @ in url").
  if (i === authority || ats > 1) return false;
  return i === end || buf[i] === SLASH || buf[i] === QUESTION;
}

/** uri-host ":" port, no userinfo; an IPv6 literal in brackets. */
function isAuthorityForm(buf: Buffer, start: number, end: number): boolean {
  let colon = -1;
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (AUTHORITY[b] !== 1 || b === AT) return false;
    if (b === COLON) colon = i;
  }
  if (colon <= start || colon === end - 1) return false;
  for (let i = colon + 1; i < end; i++) if ((buf[i] as number) < 0x30 || (buf[i] as number) > 0x39) return false;
  const bracket = buf[start] === 0x5b;
  return bracket === (buf[colon - 1] === 0x5d);
}

function invalid(buf: Buffer, start: number, end: number, why: string): Http1Error {
  return new Http1Error('request', 'invalid-target', `${why}: ${quote(buf, start, end)}`);
}
