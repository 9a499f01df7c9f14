/**
 * The byte-level twin of layout-parser.ts for the scan's hot path: it reads one line of a text
 * layout (nginx `log_format`, Apache `LogFormat`) straight from the chunk's bytes and records
 * where each field lies, making no string at all for a usual line. Counting then hashes keys
 * from those byte ranges (aggregate/key-table.ts). Decoding every 1 MiB chunk to a string and
 * slicing a string per field cost more than half of the scan.
 *
 * It follows layout-parser.ts rule for rule (same field ends, same escapes, same numbers; the
 * tests run both on the same lines), which stays the parser for format detection and tests.
 */
import type { Layout, LayoutField } from './layout.js';
import { hashBytes } from '../aggregate/key-table.js';
import { findByte, sameBytes } from '../aggregate/words.js';
import { toNumber } from './layout-parser.js';
import { parseClfTimeBytes, parseIsoTime } from './time-syntax.js';

const SCALE_TO_US = { s: 1e6, ms: 1e3, us: 1 } as const;

/** One parsed line as byte ranges of its buffer; an empty range is an absent field. */
export interface ByteRecord {
  clientStart: number;
  clientEnd: number;
  /** Epoch milliseconds; NaN when the line has no time the parser understands. */
  time: number;
  methodStart: number;
  methodEnd: number;
  targetStart: number;
  targetEnd: number;
  status: number;
  bytes: number;
  /** Microseconds; NaN when the format logs no duration. */
  latencyUs: number;
  /** Empty when not logged or `-`; the hash is key-table.ts `hashBytes` of the bytes. */
  userAgentStart: number;
  userAgentEnd: number;
  userAgentHash: number;
  referrerStart: number;
  referrerEnd: number;
  referrerHash: number;
}

export function emptyByteRecord(): ByteRecord {
  return { clientStart: 0, clientEnd: 0, time: NaN, methodStart: 0, methodEnd: 0, targetStart: 0, targetEnd: 0, status: 0, bytes: 0, latencyUs: NaN, userAgentStart: 0, userAgentEnd: 0, userAgentHash: 0, referrerStart: 0, referrerEnd: 0, referrerHash: 0 };
}

/** Parses `buf[start, end)` (one line, no line ending) into `rec`; false for a malformed line. */
export type ByteLineParser = (buf: Buffer, start: number, end: number, rec: ByteRecord) => boolean;

interface CompiledField {
  readonly role: LayoutField['role'];
  readonly until: Uint8Array;
  /** `"` ends the field only when not escaped with a backslash (Apache). */
  readonly escapes: boolean;
  readonly time: LayoutField['time'];
  readonly scale: number;
}

/** Whether the layout's literals are all latin1, as the bytes they are compared with. */
export function byteParsable(layout: Layout): boolean {
  return [layout.leading, ...layout.fields.map((f) => f.until)].every((s) => !/[^\x00-\xff]/.test(s));
}

/** Index of `lit` in `buf[from, end)`, or -1: its first byte is looked for a word at a time. */
function indexOf(buf: Buffer, lit: Uint8Array, from: number, end: number): number {
  const first = lit[0] as number;
  const n = lit.length;
  const last = end - n;
  outer: for (let i = from; i <= last; i++) {
    i = findByte(buf, first, i, last + 1);
    if (i === -1) return -1;
    for (let k = 1; k < n; k++) if (buf[i + k] !== lit[k]) continue outer;
    return i;
  }
  return -1;
}

/** layout-parser.ts `findEnd` on bytes: skips quotes escaped with an odd number of backslashes. */
function findEnd(buf: Buffer, f: CompiledField, from: number, lineStart: number, end: number): number {
  let at = indexOf(buf, f.until, from, end);
  if (!f.escapes || f.until[0] !== 34) return at;
  while (at > from) {
    let slashes = 0;
    while (at - 1 - slashes >= lineStart && buf[at - 1 - slashes] === 92) slashes++;
    if ((slashes & 1) === 0) return at;
    at = indexOf(buf, f.until, at + 1, end);
  }
  return at;
}

/**
 * `toNumber` of the text in `buf[start, end)`: plain decimals (`200`, `0.123`) are read from the
 * bytes; anything else goes through the string rule. An integer of up to 15 digits divided by a
 * power of ten is exact then correctly rounded, the same double `+text` gives.
 */
function numberOf(buf: Buffer, start: number, end: number): number {
  let mantissa = 0;
  let scale = 1;
  let dot = -1;
  if (end > start && end - start <= 15) {
    let i = start;
    for (; i < end; i++) {
      const c = buf[i] as number;
      if (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        if (dot !== -1) scale *= 10;
      } else if (c === 46 && dot === -1 && i > start && i < end - 1) {
        dot = i;
      } else break;
    }
    if (i === end) return dot === -1 ? mantissa : mantissa / scale;
  }
  return toNumber(buf.toString('latin1', start, end));
}

/**
 * The end of a header field (user agent, referrer) and its key-table.ts `hashBytes` hash, which
 * counting would otherwise take again. Returns -1 when the terminator is missing.
 */
function endAndHash(buf: Buffer, f: CompiledField, from: number, lineStart: number, end: number, into: Int32Array): number {
  const at = f.until.length === 0 ? end : findEnd(buf, f, from, lineStart, end);
  if (at !== -1) into[0] = hashBytes(buf, from, at);
  return at;
}

/** JavaScript's `trim` whitespace within latin1: tab, LF, VT, FF, CR, space, no-break space. */
const isSpace = (c: number): boolean => (c >= 9 && c <= 13) || c === 32 || c === 160;

export function layoutByteParser(layout: Layout): ByteLineParser {
  const leading = Buffer.from(layout.leading, 'latin1');
  const fields: CompiledField[] = layout.fields.map((f) => ({
    role: f.role,
    until: Buffer.from(f.until, 'latin1'),
    escapes: f.backslashEscapes,
    time: f.time,
    scale: SCALE_TO_US[f.unit ?? 's'],
  }));
  // As in layout-parser.ts: fields after the last one used are never read.
  let count = fields.length;
  while (count > 0 && (fields[count - 1] as CompiledField).role === 'skip') count--;
  // The previous line's time text, word-aligned for `sameBytes`.
  const lastTimeText = new Uint8Array(64);
  const lastTimeWords = new Int32Array(lastTimeText.buffer);
  let lastTimeLength = -1;
  /** The field the text was read for: a layout may log the time twice, ended differently. */
  let lastTimeField = -1;
  let lastTime = NaN;
  const hash = new Int32Array(1);

  return (buf, lineStart, lineEnd, rec) => {
    rec.clientStart = rec.clientEnd = rec.methodStart = rec.methodEnd = rec.targetStart = rec.targetEnd = 0;
    rec.userAgentStart = rec.userAgentEnd = rec.referrerStart = rec.referrerEnd = 0;
    rec.time = NaN;
    rec.status = 0;
    rec.bytes = 0;
    rec.latencyUs = NaN;
    let pos = lineStart;
    if (leading.length > 0) {
      if (lineEnd - lineStart < leading.length) return false;
      for (let k = 0; k < leading.length; k++) if (buf[lineStart + k] !== leading[k]) return false;
      pos += leading.length;
    }
    let forwardedStart = 0;
    let forwardedEnd = 0;
    let upstreamUs = NaN;
    for (let i = 0; i < count; i++) {
      const f = fields[i] as CompiledField;
      let end: number;
      if (f.role === 'userAgent' || f.role === 'referrer') {
        end = endAndHash(buf, f, pos, lineStart, lineEnd, hash);
        if (end === -1) return false;
      } else if (f.role === 'time' && lastTimeField === i && lastTimeLength !== -1 && f.until.length > 0 && !(f.escapes && f.until[0] === 34)) {
        // Lines of one second share their time: when the previous line's time text is here
        // followed by this field's literal, the field ends there, as no earlier occurrence of
        // the literal can start inside text and literal that the previous line had too.
        end = pos + lastTimeLength;
        const lit = f.until;
        let same = end + lit.length <= lineEnd && sameBytes(buf, pos, lastTimeLength, lastTimeText, lastTimeWords, 0);
        for (let k = 0; same && k < lit.length; k++) same = buf[end + k] === lit[k];
        if (same) {
          rec.time = lastTime;
          pos = end + lit.length;
          continue;
        }
        end = findEnd(buf, f, pos, lineStart, lineEnd);
        if (end === -1) return false;
      } else if (f.until.length === 0) {
        end = lineEnd;
      } else {
        end = findEnd(buf, f, pos, lineStart, lineEnd);
        if (end === -1) return false;
      }
      switch (f.role) {
        case 'skip':
          break;
        case 'client': {
          // layout-parser.ts `clientOf`: the first entry of a list; a quoted list loses its quotes.
          let to = pos;
          while (to < end && buf[to] !== 44) to++;
          let from = pos;
          if (buf[from] === 34 && from < to) {
            from++;
            let q = from;
            while (q < to && buf[q] !== 34) q++;
            to = q;
          }
          rec.clientStart = from;
          rec.clientEnd = to;
          break;
        }
        case 'forwardedFor':
          forwardedStart = pos;
          forwardedEnd = end;
          break;
        case 'time': {
          const len = end - pos;
          let same = len === lastTimeLength;
          for (let k = 0; same && k < len; k++) same = lastTimeText[k] === buf[pos + k];
          if (!same) {
            lastTime =
              f.time === 'clf' ? parseClfTimeBytes(buf, pos, end)
              : f.time === 'iso8601' ? parseIsoTime(buf.toString('latin1', pos, end))
              : f.time === 'epochMillis' ? numberOf(buf, pos, end)
              : numberOf(buf, pos, end) * 1000;
            // Only a time that fits the cache is remembered; a longer one is parsed every time.
            lastTimeLength = len <= lastTimeText.length ? len : -1;
            if (lastTimeLength !== -1) lastTimeText.set(buf.subarray(pos, end));
            lastTimeField = i;
          }
          rec.time = lastTime;
          break;
        }
        case 'request': {
          // "METHOD target PROTOCOL"; nginx logs "-" or "" for a request line it could not read.
          let sp = pos;
          while (sp < lineEnd && buf[sp] !== 32) sp++;
          if (sp < end) {
            rec.methodStart = pos;
            rec.methodEnd = sp;
            let targetEnd = end - 1;
            while (targetEnd > sp && buf[targetEnd] !== 32) targetEnd--;
            if (targetEnd <= sp) targetEnd = end; // HTTP/0.9: no protocol
            rec.targetStart = sp + 1;
            rec.targetEnd = targetEnd;
          }
          break;
        }
        case 'method':
          rec.methodStart = pos;
          rec.methodEnd = end;
          break;
        case 'target':
          rec.targetStart = pos;
          rec.targetEnd = end;
          break;
        case 'userAgent':
          if (!(end - pos === 1 && buf[pos] === 45)) {
            rec.userAgentStart = pos;
            rec.userAgentEnd = end;
            rec.userAgentHash = hash[0] as number;
          }
          break;
        case 'referrer':
          if (!(end - pos === 1 && buf[pos] === 45)) {
            rec.referrerStart = pos;
            rec.referrerEnd = end;
            rec.referrerHash = hash[0] as number;
          }
          break;
        case 'status': {
          const status = numberOf(buf, pos, end);
          if (!(status >= 100 && status <= 999)) return false;
          rec.status = status;
          break;
        }
        case 'bytes': {
          const bytes = numberOf(buf, pos, end);
          if (bytes >= 0) rec.bytes = bytes;
          else if (bytes !== bytes) rec.bytes = 0; // "-": nothing sent
          else return false;
          break;
        }
        case 'latency': {
          // A format may log two durations (%D and %T): the first one written wins.
          const v = numberOf(buf, pos, end);
          if (v >= 0 && rec.latencyUs !== rec.latencyUs) rec.latencyUs = v * f.scale;
          break;
        }
        case 'upstreamLatency': {
          // "0.004, 0.012" when nginx tried several upstreams: the first number stands in.
          let to = pos;
          while (to < end && buf[to] !== 44) to++;
          const v = numberOf(buf, pos, to);
          if (v >= 0) upstreamUs = v * f.scale;
          break;
        }
      }
      pos = end + f.until.length;
    }
    if (rec.latencyUs !== rec.latencyUs) rec.latencyUs = upstreamUs;
    const forwarded = forwardedEnd - forwardedStart;
    if (forwarded > 0 && !(forwarded === 1 && buf[forwardedStart] === 45)) {
      let from = forwardedStart;
      let to = from;
      while (to < forwardedEnd && buf[to] !== 44) to++;
      while (from < to && isSpace(buf[from] as number)) from++;
      while (to > from && isSpace(buf[to - 1] as number)) to--;
      rec.clientStart = from;
      rec.clientEnd = to;
    }
    return rec.clientEnd > rec.clientStart || rec.targetEnd > rec.targetStart;
  };
}
