/**
 * Durations (`250ms`, `5s`, `2m`, `1h`) and sizes (`512`, `64kb`, `10mb`, `1gb`) as written in
 * switchyard.yaml. A bare number is milliseconds or bytes. Sizes are binary (1kb = 1024 bytes),
 * as nginx reads `client_max_body_size 10m`.
 */

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const DURATION_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i;
const SIZE_UNIT: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** Milliseconds, or undefined when `value` is not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DURATION.exec(value.trim());
  if (m === null) return undefined;
  return Math.round(Number(m[1]) * (DURATION_UNIT[m[2] ?? 'ms'] ?? 1));
}

/** Bytes, or undefined when `value` is not a size. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = SIZE.exec(value.trim());
  if (m === null) return undefined;
  return Math.round(Number(m[1]) * (SIZE_UNIT[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

/** Rate strings such as `100/s` or `6000/m`, as events per second. */
export function parseRate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\/(s|m|h)$/.exec(value.trim());
  if (m === null) return undefined;
  return Number(m[1]) / ((DURATION_UNIT[m[2] as string] ?? 1000) / 1000);
}
