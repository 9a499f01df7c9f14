/**
 * One parsed access-log line. Parsers fill a single reused record per scan instead of allocating
 * one per line: the scan loop is the hot path, and a million lines is a normal input.
 */
export interface LogRecord {
  client: string;
  /** Epoch milliseconds; NaN when the line has no time the parser understands. */
  time: number;
  /** '' when the request line was empty or `-` (nginx logs those for 400s). */
  method: string;
  /** Request target as logged: path and query, or an absolute URI. */
  target: string;
  status: number;
  bytes: number;
  /** Microseconds; NaN when the format logs no duration. */
  latencyUs: number;
  /** The configured route the gateway matched, when the log says so (Switchyard's JSON log). */
  route: string | undefined;
  /** '' when not logged or `-`. */
  userAgent: string;
  referrer: string;
}

export function emptyRecord(): LogRecord {
  return { client: '', time: NaN, method: '', target: '', status: 0, bytes: 0, latencyUs: NaN, route: undefined, userAgent: '', referrer: '' };
}

export function resetRecord(rec: LogRecord): void {
  rec.client = '';
  rec.time = NaN;
  rec.method = '';
  rec.target = '';
  rec.status = 0;
  rec.bytes = 0;
  rec.latencyUs = NaN;
  rec.route = undefined;
  rec.userAgent = '';
  rec.referrer = '';
}

/**
 * Parses one line into `rec`: true for a request, false for a malformed line, 'directive' for a
 * line that describes the log rather than a request (W3C `#Fields:`).
 */
export type LineParser = (line: string, rec: LogRecord) => boolean | 'directive';
