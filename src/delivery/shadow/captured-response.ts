/**
 * What one side answered, as the comparison reads it: status, the compared headers, and the
 * body up to a size limit.
 */
import type { OutgoingHttpHeaders } from 'node:http';

export interface CapturedResponse {
  readonly status: number;
  /** Only the compared headers, by lowercased name, several values joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The compared headers out of a head as filters see it (names may be in any case). */
export function pickHeaders(headers: OutgoingHttpHeaders | undefined, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (names.length === 0 || headers === undefined) return out;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || !names.includes(lower)) continue;
    out[lower] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Fields from [name, value, ...] pairs (a proxied head), for the same picking. */
export function pairsToHeaders(fields: readonly string[]): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = (fields[i] as string).toLowerCase();
    const value = fields[i + 1] as string;
    const had = out[name];
    out[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}
