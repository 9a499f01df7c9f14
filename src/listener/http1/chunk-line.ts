/**
 * The line that starts a chunk, RFC 9112 §7.1: `chunk-size [ chunk-ext ] CRLF`. The size is
 * hexadecimal with nothing before it; extensions are checked against the grammar of §7.1.1 as
 * llhttp's strict mode reads it, then skipped (nothing downstream uses them):
 *
 *   chunk-ext = *( ";" [ token ] [ "=" [ token ] [ quoted-string ] ] )
 *
 * with no whitespace anywhere (llhttp refuses the BWS the RFC allows, so this does too), an empty
 * name allowed before "=" (";=v" passes llhttp) and a ";" that ends the line refused.
 */
import { BACKSLASH, CR, DQUOTE, EQUALS, HEX, QDTEXT, QUOTED_PAIR, SEMICOLON, TOKEN } from './chars.js';
import { MAX_LENGTH } from './field-facts.js';
import { Http1Error, type Http1Side } from './http1-error.js';
import { quote } from './field-line.js';

/** Returns the chunk size of the line `buf[start, end)` (CRLF removed). */
export function parseChunkLine(buf: Buffer, start: number, end: number, side: Http1Side): number {
  let i = start;
  let size = 0;
  for (; i < end; i++) {
    const d = HEX[buf[i] as number] as number;
    if (d === 255) break;
    // Checked before the multiply so the value stays exact: a size past 2^53 is refused, where
    // llhttp allows up to 2^64-1 (no peer sends, and no gateway could buffer, such a chunk).
    if (size > (MAX_LENGTH - d) / 16) throw new Http1Error(side, 'chunk-size-too-large', quote(buf, start, end));
    size = size * 16 + d;
  }
  if (i === end && i > start) return size;
  if (i === start || buf[i] !== SEMICOLON) {
    throw new Http1Error(side, i < end && buf[i] === CR ? 'bare-cr' : 'invalid-chunk-size', quote(buf, start, end));
  }
  skipExtensions(buf, i, end, side);
  return size;
}

/** `buf[i]` is the ";" of the first extension. */
function skipExtensions(buf: Buffer, i: number, end: number, side: Http1Side): void {
  while (i < end) {
    // At a ";": an extension follows, possibly with an empty name, but not the end of the line.
    i++;
    if (i === end) throw refused(buf, i, end, side);
    while (i < end && TOKEN[buf[i] as number] === 1) i++;
    if (i === end) return;
    let b = buf[i] as number;
    if (b === SEMICOLON) continue;
    if (b !== EQUALS) throw refused(buf, i, end, side);
    i++;
    // llhttp reads a value as token characters then, optionally, a quoted-string right after
    // them (`a=b"c"` passes), so this does too.
    while (i < end && TOKEN[buf[i] as number] === 1) i++;
    if (i < end && buf[i] === DQUOTE) {
      i++;
      for (;;) {
        if (i === end) throw refused(buf, i, end, side);
        b = buf[i] as number;
        if (b === DQUOTE) break;
        if (b === BACKSLASH) {
          i++;
          if (i === end || QUOTED_PAIR[buf[i] as number] !== 1) throw refused(buf, i, end, side);
        } else if (QDTEXT[b] !== 1) {
          throw refused(buf, i, end, side);
        }
        i++;
      }
      i++;
    }
    if (i === end) return;
    if (buf[i] !== SEMICOLON) throw refused(buf, i, end, side);
  }
}

function refused(buf: Buffer, at: number, end: number, side: Http1Side): Http1Error {
  if (at === end) return new Http1Error(side, 'invalid-chunk-extension', 'line ends inside an extension');
  return new Http1Error(side, buf[at] === CR ? 'bare-cr' : 'invalid-chunk-extension', `at byte 0x${(buf[at] as number).toString(16)}`);
}
