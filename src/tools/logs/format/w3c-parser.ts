/**
 * W3C extended log format (IIS, and Azure/AWS exports): space-separated fields named by the last
 * `#Fields:` directive, spaces inside values written as `+`, `time-taken` in milliseconds (IIS).
 * The parser keeps the current field list, so a file can restart its header mid-way as IIS does
 * on every restart. Because the header gives meaning to later lines, a W3C file is read whole by
 * one worker rather than split.
 */
import { resetRecord, type LineParser, type LogRecord } from './log-record.js';

export function w3cParser(): LineParser {
  let names: string[] = [];
  return (line: string, rec: LogRecord): boolean | 'directive' => {
    resetRecord(rec);
    if (line.startsWith('#')) {
      if (line.startsWith('#Fields:')) names = line.slice(8).trim().split(/\s+/);
      return 'directive';
    }
    const values = line.split(' ');
    if (names.length === 0 || values.length !== names.length) return false;
    let date = '';
    let time = '';
    let query = '';
    for (let i = 0; i < names.length; i++) {
      const v = values[i] as string;
      if (v === '-') continue;
      switch (names[i]) {
        case 'date': date = v; break;
        case 'time': time = v; break;
        case 'c-ip': rec.client = v; break;
        case 'cs-method': rec.method = v; break;
        case 'cs-uri-stem': rec.target = v; break;
        case 'cs-uri-query': query = v; break;
        case 'sc-status': rec.status = +v; break;
        case 'sc-bytes': rec.bytes = +v || 0; break;
        case 'time-taken': rec.latencyUs = +v * 1000; break;
        case 'cs(User-Agent)': rec.userAgent = v; break; // spaces written as '+', kept as logged
        case 'cs(Referer)': rec.referrer = v; break;
      }
    }
    if (query !== '') rec.target += `?${query}`;
    // W3C times are UTC (W3C WD-logfile-960323, "Date" and "Time" fields).
    if (date !== '' && time !== '') rec.time = Date.parse(`${date}T${time}Z`);
    return rec.status >= 100 && rec.status <= 999;
  };
}
