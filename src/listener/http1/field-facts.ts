/**
 * What a message's header fields say about its framing and its connection, gathered field by field
 * as the head is parsed, with the refusals RFC 9112 asks for and llhttp makes: a second
 * Content-Length (even an equal one), Content-Length with Transfer-Encoding, `chunked` that is not
 * the last coding or appears twice, a Content-Length that is not digits. Connection and
 * Proxy-Connection tokens are read as llhttp reads them (both count, as comma-separated tokens,
 * case-insensitive), so the keep-alive decision matches node's.
 */
import { Http1Error, type Http1Side } from './http1-error.js';

/** Largest Content-Length or chunk size kept exact by a JS number. */
export const MAX_LENGTH = Number.MAX_SAFE_INTEGER;

export class FieldFacts {
  /** -1 when there is no Content-Length. */
  contentLength = -1;
  transferEncoding = false;
  /** The last transfer coding seen is `chunked`. */
  chunked = false;
  close = false;
  keepAlive = false;
  connectionUpgrade = false;
  /** An Upgrade field with a non-empty value (llhttp ignores an empty one). */
  upgrade = false;
  hosts = 0;
  /** Expect holds 100-continue, by node's rule (see `noteExpect`). */
  expectContinue = false;

  reset(): void {
    this.contentLength = -1;
    this.transferEncoding = false;
    this.chunked = false;
    this.close = false;
    this.keepAlive = false;
    this.connectionUpgrade = false;
    this.upgrade = false;
    this.hosts = 0;
    this.expectContinue = false;
  }

  /**
   * Notes one header field; names are compared by length first so most fields cost one switch.
   * `tabAfter`: an HTAB followed the value (see pushFieldLine).
   */
  note(name: string, value: string, tabAfter: boolean, side: Http1Side): void {
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') this.hosts++;
        return;
      case 6:
        if (name.toLowerCase() === 'expect') this.noteExpect(value);
        return;
      case 7:
        if (value !== '' && name.toLowerCase() === 'upgrade') this.upgrade = true;
        return;
      case 10:
        if (name.toLowerCase() === 'connection') this.noteConnection(value, tabAfter);
        return;
      case 14:
        if (name.toLowerCase() === 'content-length') this.noteContentLength(tabAfter ? `${value}\t` : value, side);
        return;
      case 16:
        // llhttp reads Proxy-Connection exactly as Connection (close, keep-alive and upgrade).
        if (name.toLowerCase() === 'proxy-connection') this.noteConnection(value, tabAfter);
        return;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') this.noteTransferEncoding(value, tabAfter, side);
        return;
    }
  }

  noteContentLength(value: string, side: Http1Side): void {
    if (this.contentLength !== -1) throw new Http1Error(side, 'duplicate-content-length');
    // RFC 9112 §6.3: Content-Length with Transfer-Encoding is refused, whichever comes first.
    if (this.transferEncoding) throw new Http1Error(side, 'content-length-with-transfer-encoding');
    this.contentLength = parseLength(value, side);
  }

  noteTransferEncoding(value: string, tabAfter: boolean, side: Http1Side): void {
    if (this.contentLength !== -1) throw new Http1Error(side, 'content-length-with-transfer-encoding');
    // Nothing may follow chunked, in this field line or a later one (RFC 9112 §6.1: chunked is
    // applied once and last). llhttp ignores an empty value; an empty Transfer-Encoding is refused
    // here, being a field that two parsers are likely to read differently.
    if (this.chunked || value === '') throw new Http1Error(side, 'invalid-transfer-encoding', JSON.stringify(value));
    let chunked = false;
    let from = 0;
    for (;;) {
      const comma = value.indexOf(',', from);
      const coding = trimOws(value, from, comma === -1 ? value.length : comma);
      if (chunked) throw new Http1Error(side, 'invalid-transfer-encoding', JSON.stringify(value));
      chunked = coding.length === 7 && coding.toLowerCase() === 'chunked';
      if (comma === -1) break;
      from = comma + 1;
    }
    this.transferEncoding = true;
    // llhttp does not take `chunked` followed by an HTAB as chunked.
    this.chunked = chunked && !tabAfter;
  }

  /**
   * A token followed by an HTAB is not one llhttp recognises: `keep-alive` and `upgrade` are then
   * ignored as llhttp ignores them, `close` is still honoured (closing is the safe reading).
   */
  noteConnection(value: string, tabAfter: boolean): void {
    let from = 0;
    for (;;) {
      const comma = value.indexOf(',', from);
      const to = comma === -1 ? value.length : comma;
      const token = trimOws(value, from, to).toLowerCase();
      const recognised = comma === -1 ? !tabAfter : !hasTabBefore(value, to);
      if (token === 'close') this.close = true;
      else if (token === 'keep-alive' && recognised) this.keepAlive = true;
      else if (token === 'upgrade' && recognised) this.connectionUpgrade = true;
      if (comma === -1) return;
      from = comma + 1;
    }
  }

  /**
   * node answers 100 Continue (or emits checkContinue) when an HTTP/1.1 request's Expect holds
   * "100-continue" case-insensitively between non-word characters; the same test here, so a client
   * gets the interim response in the same cases. The caller checks the version.
   */
  noteExpect(value: string): void {
    const lower = value.toLowerCase();
    for (let at = lower.indexOf('100-continue'); at !== -1; at = lower.indexOf('100-continue', at + 1)) {
      if ((at === 0 || !isWordChar(lower.charCodeAt(at - 1))) && (at + 12 === lower.length || !isWordChar(lower.charCodeAt(at + 12)))) {
        this.expectContinue = true;
        return;
      }
    }
  }
}

/** RFC 9110 §8.6: Content-Length = 1*DIGIT. No sign, no list, no hex; kept below 2^53. */
export function parseLength(value: string, side: Http1Side): number {
  if (value === '') throw new Http1Error(side, 'invalid-content-length', 'empty');
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw new Http1Error(side, 'invalid-content-length', JSON.stringify(value));
    n = n * 10 + d;
  }
  if (n > MAX_LENGTH) throw new Http1Error(side, 'content-length-too-large', value);
  return n;
}

function trimOws(s: string, from: number, to: number): string {
  while (from < to && (s.charCodeAt(from) === 0x20 || s.charCodeAt(from) === 0x09)) from++;
  while (to > from && (s.charCodeAt(to - 1) === 0x20 || s.charCodeAt(to - 1) === 0x09)) to--;
  return s.slice(from, to);
}

/** An HTAB in the whitespace that ends `s[.., to)`. */
function hasTabBefore(s: string, to: number): boolean {
  for (let i = to - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === 0x09) return true;
    if (c !== 0x20) return false;
  }
  return false;
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}
