/**
 * Byte classes of HTTP/1.1 as 256-entry tables, so the parsers check a byte with one indexed load
 * instead of a regex or a chain of comparisons. Each table says which bytes a grammar rule of
 * RFC 9110/9112 allows, narrowed where llhttp (node's parser, strict build) is narrower, since
 * the codec must refuse whatever llhttp refuses.
 */

function table(allowed: (byte: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = allowed(b) ? 1 : 0;
  return t;
}

const isAlpha = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** RFC 9110 §5.6.2 tchar: field names, methods, chunk extension names and unquoted values. */
export const TOKEN = table((b) => isAlpha(b) || isDigit(b) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b)));

/**
 * RFC 9110 §5.5 field-vchar plus SP and HTAB inside a value: everything but the controls
 * (0x00-0x1F except HTAB, and DEL). obs-text (0x80-0xFF) is allowed, as llhttp allows it.
 */
export const FIELD_VALUE = table((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f));

/**
 * Bytes of a request-target (origin-form path and query, and the path of an absolute-form) as
 * llhttp's strict URL parser accepts them: the visible ASCII characters. No controls, no SP or
 * HTAB, no DEL and, unlike header values, no obs-text: llhttp refuses 0x80-0xFF in a URL.
 */
export const TARGET = table((b) => b > 0x20 && b < 0x7f);

/**
 * Bytes of the authority of an absolute-form or authority-form target: RFC 3986 §3.2 unreserved,
 * pct-encoded, sub-delims, ":" for the port, "@" for userinfo and "[" "]" around an IPv6 literal.
 */
export const AUTHORITY = table((b) => isAlpha(b) || isDigit(b) || "-._~%!$&'()*+,;=:@[]".includes(String.fromCharCode(b)));

/** RFC 9112 §4 reason-phrase: HTAB, SP, VCHAR and obs-text. */
export const REASON = FIELD_VALUE;

/**
 * RFC 9110 §5.6.4 qdtext inside a quoted chunk extension value: HTAB, SP, 0x21, 0x23-0x5B,
 * 0x5D-0x7E and obs-text; `"` and `\` are handled by the caller.
 */
export const QDTEXT = table((b) => b === 0x09 || b === 0x20 || b === 0x21 || (b >= 0x23 && b <= 0x5b) || (b >= 0x5d && b <= 0x7e) || b >= 0x80);

/** What may follow a `\` in a quoted-string: HTAB, SP, VCHAR, obs-text. */
export const QUOTED_PAIR = table((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f));

/** Value of a hex digit, or 255 for any other byte. */
export const HEX = (() => {
  const t = new Uint8Array(256).fill(255);
  for (let b = 0; b < 256; b++) {
    if (isDigit(b)) t[b] = b - 0x30;
    else if (b >= 0x41 && b <= 0x46) t[b] = b - 0x41 + 10;
    else if (b >= 0x61 && b <= 0x66) t[b] = b - 0x61 + 10;
  }
  return t;
})();

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
