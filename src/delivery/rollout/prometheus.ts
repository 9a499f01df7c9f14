/**
 * The `prometheus` check: a PromQL instant query through Prometheus's HTTP API
 * (`GET /api/v1/query?query=...`), whose one value must be at most `max` / at least `min`.
 * An error, a timeout, an empty result, several series or a NaN is inconclusive: never a pass.
 */
import { request } from 'undici';
import type { CheckOutcome } from './checks.js';

const TIMEOUT_MS = 5_000;

export async function prometheusCheck(check: { url: string; query: string; max: number | undefined; min: number | undefined }): Promise<CheckOutcome & { detail?: string }> {
  const threshold = check.max ?? check.min ?? 0;
  const inconclusive = (detail: string) => ({ metric: 'prometheus', verdict: 'inconclusive', canary: null, baseline: null, threshold, detail }) as const;
  let value: number;
  try {
    const res = await request(`${check.url.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(check.query)}`, { headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
    const body = (await res.body.json()) as { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
    if (res.statusCode !== 200 || body.status !== 'success') return inconclusive(`prometheus answered ${res.statusCode}${body.error ? `: ${body.error}` : ''}`);
    const read = readValue(body.data?.resultType, body.data?.result);
    if (typeof read === 'string') return inconclusive(read);
    value = read;
  } catch (err) {
    return inconclusive(`prometheus unreachable: ${(err as Error).message}`);
  }
  const fails = (check.max !== undefined && value > check.max) || (check.min !== undefined && value < check.min);
  return { metric: 'prometheus', verdict: fails ? 'fail' : 'pass', canary: value, baseline: null, threshold };
}

/** The single value of a scalar or one-series vector result; otherwise why not. */
function readValue(type: string | undefined, result: unknown): number | string {
  let sample: unknown;
  if (type === 'scalar') sample = result;
  else if (type === 'vector' && Array.isArray(result)) {
    if (result.length !== 1) return result.length === 0 ? 'the query returned no series' : `the query returned ${result.length} series, not one`;
    sample = (result[0] as { value?: unknown }).value;
  } else return `the query returned a ${String(type)}, not a scalar or one series`;
  const value = Array.isArray(sample) ? Number(sample[1]) : NaN;
  return Number.isFinite(value) ? value : 'the query returned no number';
}
