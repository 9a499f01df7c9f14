/**
 * Turns a compiled layout into a line parser. Each field runs up to the literal that follows it
 * (found with indexOf), which is how nginx and Apache lines can be read without a regular
 * expression: a regex per line costs several times more on the scan's hot path, and the literal
 * boundaries are exactly what the format string promises. Text after the last field used is
 * ignored, so a log whose format appends fields to `combined` still reads as `combined`.
 */
import type { Layout, LayoutField } from './layout.js';
import { resetRecord, type LineParser, type LogRecord } from './log-record.js';
import { parseClfTime, parseIsoTime } from './time-syntax.js';

const SCALE_TO_US = { s: 1e6, ms: 1e3, us: 1 } as const;

/** Finds `until` from `from`, skipping quotes escaped with an odd number of backslashes. */
function findEnd(line: string, until: string, from: number, escapes: boolean): number {
  let end = line.indexOf(until, from);
  if (!escapes || until.charCodeAt(0) !== 34) return end;
  while (end > from) {
    let slashes = 0;
    while (line.charCodeAt(end - 1 - slashes) === 92) slashes++;
    if ((slashes & 1) === 0) return end;
    end = line.indexOf(until, end + 1);
  }
  return end;
}

/** A decimal number from a slice; NaN for `-` or anything else that is not one. */
export function toNumber(s: string): number {
  if (s === '-' || s === '') return NaN;
  return +s;
}

/** First entry of a comma-separated list (`client, proxy1, proxy2`, `0.004, 0.012`). */
function firstAddress(s: string): string {
  const comma = s.indexOf(',');
  return comma === -1 ? s : s.slice(0, comma);
}

/**
 * The client from an address field. Some formats put a quoted `X-Forwarded-For` list before
 * `$remote_addr` (`"203.0.113.9, 10.0.0.1" 10.2.1.185 - - [...]`); its first entry is the client.
 */
function clientOf(s: string): string {
  const first = firstAddress(s);
  return first.charCodeAt(0) === 34 ? first.slice(1).replace(/".*$/, '') : first;
}

export function layoutParser(layout: Layout): LineParser {
  const { leading } = layout;
  const fields: readonly LayoutField[] = layout.fields;
  // Fields after the last one the reports use are never read: cheaper, and a line cut short in
  // its user agent (it happens: log writers truncate long lines) still counts.
  let count = fields.length;
  while (count > 0 && (fields[count - 1] as LayoutField).role === 'skip') count--;
  let lastTimeText = '';
  let lastTime = NaN;

  return (line: string, rec: LogRecord): boolean => {
    resetRecord(rec);
    let pos = 0;
    if (leading !== '') {
      if (!line.startsWith(leading)) return false;
      pos = leading.length;
    }
    let forwarded = '';
    let upstreamUs = NaN;
    for (let i = 0; i < count; i++) {
      const f = fields[i] as LayoutField;
      let end: number;
      if (f.until === '') {
        end = line.length;
      } else {
        end = findEnd(line, f.until, pos, f.backslashEscapes);
        if (end === -1) return false;
      }
      switch (f.role) {
        case 'skip':
          break;
        case 'client':
          rec.client = clientOf(line.slice(pos, end));
          break;
        case 'forwardedFor':
          forwarded = line.slice(pos, end);
          break;
        case 'time': {
          const text = line.slice(pos, end);
          if (text !== lastTimeText) {
            lastTimeText = text;
            lastTime =
              f.time === 'clf' ? parseClfTime(text)
              : f.time === 'iso8601' ? parseIsoTime(text)
              : f.time === 'epochMillis' ? toNumber(text)
              : toNumber(text) * 1000;
          }
          rec.time = lastTime;
          break;
        }
        case 'request': {
          // "METHOD target PROTOCOL"; nginx logs "-" or "" for a request line it could not read.
          const sp = line.indexOf(' ', pos);
          if (sp !== -1 && sp < end) {
            rec.method = line.slice(pos, sp);
            let targetEnd = line.lastIndexOf(' ', end - 1);
            if (targetEnd <= sp) targetEnd = end; // HTTP/0.9: no protocol
            rec.target = line.slice(sp + 1, targetEnd);
          }
          break;
        }
        case 'method':
          rec.method = line.slice(pos, end);
          break;
        case 'target':
          rec.target = line.slice(pos, end);
          break;
        case 'userAgent':
          if (end > pos && !(end - pos === 1 && line.charCodeAt(pos) === 45)) rec.userAgent = line.slice(pos, end);
          break;
        case 'referrer':
          if (end > pos && !(end - pos === 1 && line.charCodeAt(pos) === 45)) rec.referrer = line.slice(pos, end);
          break;
        case 'status': {
          const status = toNumber(line.slice(pos, end));
          if (!(status >= 100 && status <= 999)) return false;
          rec.status = status;
          break;
        }
        case 'bytes': {
          const bytes = toNumber(line.slice(pos, end));
          if (bytes >= 0) rec.bytes = bytes;
          else if (bytes !== bytes) rec.bytes = 0; // "-": nothing sent
          else return false;
          break;
        }
        case 'latency': {
          // A format may log two durations (%D and %T): the first one written wins.
          const v = toNumber(line.slice(pos, end));
          if (v >= 0 && rec.latencyUs !== rec.latencyUs) rec.latencyUs = v * SCALE_TO_US[f.unit ?? 's'];
          break;
        }
        case 'upstreamLatency': {
          // "0.004, 0.012" when nginx tried several upstreams: the first number is enough to
          // stand in for the request time, which is the field users should log.
          const v = toNumber(firstAddress(line.slice(pos, end)));
          if (v >= 0) upstreamUs = v * SCALE_TO_US[f.unit ?? 's'];
          break;
        }
      }
      pos = end + f.until.length;
    }
    if (rec.latencyUs !== rec.latencyUs) rec.latencyUs = upstreamUs;
    if (forwarded !== '' && forwarded !== '-') rec.client = firstAddress(forwarded).trim();
    return rec.client !== '' || rec.target !== '';
  };
}
