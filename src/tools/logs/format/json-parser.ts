/**
 * Reads JSON-lines access logs: Switchyard's own (src/telemetry/access-log.ts: `remote`, `path`,
 * `status`, `bytes`, `duration` in seconds, `route`), and the common shapes of others so one command
 * covers a mixed fleet: Caddy (`request.remote_ip`, `duration` in seconds, `size`), pino-http
 * (`req`/`res`, `responseTime` in ms) and nginx `escape=json` formats (`$remote_addr`-style names).
 * The first name found wins; docs/logs.md lists them.
 */
import { resetRecord, type LineParser, type LogRecord } from './log-record.js';
import { parseClfTime, parseIsoTime } from './time-syntax.js';

type Json = Record<string, unknown>;

const CLIENT = ['remote', 'client_ip', 'clientIp', 'remote_ip', 'remoteIp', 'remote_addr', 'remoteAddr', 'remoteAddress', 'ip', 'client'];
const METHOD = ['method', 'request_method', 'verb'];
const TARGET = ['path', 'uri', 'request_uri', 'url', 'target'];
const STATUS = ['status', 'statusCode', 'status_code'];
const BYTES = ['bytes', 'size', 'body_bytes_sent', 'bytes_sent', 'responseSize', 'response_size', 'contentLength'];
const USER_AGENT = ['user_agent', 'userAgent', 'http_user_agent', 'agent', 'User-Agent', 'user-agent'];
const REFERRER = ['referer', 'referrer', 'http_referer', 'Referer', 'referer_url'];
const TIME = ['time', 'ts', 'timestamp', '@timestamp', 'time_iso8601', 'time_local', 'msec', 'date'];
/** Duration keys with the unit each is written in (Caddy and nginx use seconds). */
const LATENCY: readonly (readonly [string, number])[] = [
  ['durationMs', 1e3], ['duration_ms', 1e3], ['latencyMs', 1e3], ['latency_ms', 1e3],
  ['responseTime', 1e3], ['response_time_ms', 1e3], ['elapsed_ms', 1e3],
  ['durationUs', 1], ['duration_us', 1],
  ['duration', 1e6], ['request_time', 1e6], ['latency', 1e6], ['upstream_response_time', 1e6],
];

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '' && v !== '-';

function pick(objects: readonly Json[], keys: readonly string[]): unknown {
  for (const o of objects) {
    for (const k of keys) if (present(o[k])) return o[k];
  }
  return undefined;
}

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function toTime(v: unknown): number {
  if (typeof v === 'number') return v > 1e11 ? v : v * 1000; // epoch ms (pino) or seconds (Caddy)
  if (typeof v !== 'string') return NaN;
  if (/^\d+(\.\d+)?$/.test(v)) return toTime(+v);
  if (/^\d\d\/[A-Z][a-z]{2}\//.test(v)) return parseClfTime(v);
  return parseIsoTime(v);
}

function toNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return +v;
  return NaN;
}

function headerText(v: unknown): string {
  const first = Array.isArray(v) ? (v[0] as unknown) : v;
  return typeof first === 'string' && first !== '-' ? first : '';
}

export const jsonParser: LineParser = (line: string, rec: LogRecord): boolean | 'directive' => {
  resetRecord(rec);
  if (line.charCodeAt(0) !== 123 /* { */) return false;
  let top: Json | undefined;
  try {
    top = asObject(JSON.parse(line));
  } catch {
    return false;
  }
  if (top === undefined) return false;
  // Switchyard marks access lines `"log":"access"`; its other lines may share the stream.
  const kind = top['log'];
  if (typeof kind === 'string' && kind !== 'access') return 'directive';
  const scopes: Json[] = [top];
  for (const key of ['request', 'req', 'http', 'res', 'response']) {
    const nested = asObject(top[key]);
    if (nested !== undefined) scopes.push(nested);
  }
  const status = toNum(pick(scopes, STATUS));
  const target = pick(scopes, TARGET);
  if (!(status >= 100 && status <= 999) && typeof target !== 'string') return false;
  rec.status = status >= 100 && status <= 999 ? status : 0;
  rec.target = typeof target === 'string' ? target : '';
  const method = pick(scopes, METHOD);
  rec.method = typeof method === 'string' ? method : '';
  const client = pick(scopes, CLIENT);
  rec.client = typeof client === 'string' ? client : '';
  const bytes = toNum(pick(scopes, BYTES));
  rec.bytes = bytes >= 0 ? bytes : 0;
  rec.time = toTime(pick(scopes.slice(0, 1), TIME));
  // Keys in LATENCY order, each looked up in every scope, so the unit is the key's, not a guess.
  latency: for (const [key, scale] of LATENCY) {
    for (const o of scopes) {
      const v = toNum(o[key]);
      if (v >= 0) {
        rec.latencyUs = v * scale;
        break latency;
      }
    }
  }
  // Caddy and pino-http log request headers as an object (Caddy: arrays of values).
  const headers = scopes.map((o) => asObject(o['headers'])).filter((h): h is Json => h !== undefined);
  rec.userAgent = headerText(pick([...scopes, ...headers], USER_AGENT));
  rec.referrer = headerText(pick([...scopes, ...headers], REFERRER));
  const route = top['route'];
  if (typeof route === 'string' && route !== '') rec.route = route;
  return true;
};
