/**
 * The `grpc-timeout` header (PROTOCOL-HTTP2.md: "TimeoutValue TimeoutUnit", at most 8 digits,
 * units H M S m u n) read from clients and written to upstreams, in milliseconds.
 */

const UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 };

/** Milliseconds, undefined when absent; null when malformed. */
export function parseGrpcTimeout(value: string | string[] | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,8}[HMSmun]$/.test(value)) return null;
  return Number(value.slice(0, -1)) * (UNIT_MS[value.slice(-1)] as number);
}

/** A deadline in milliseconds as grpc-timeout, rounded up to a whole millisecond, within 8 digits. */
export function formatGrpcTimeout(ms: number): string {
  const whole = Math.max(1, Math.ceil(ms));
  if (whole < 1e8) return `${whole}m`;
  const seconds = Math.ceil(whole / 1_000);
  return seconds < 1e8 ? `${seconds}S` : `${Math.min(99_999_999, Math.ceil(seconds / 3_600))}H`;
}

/** The deadline a call runs with: the client's, capped by the upstream's `timeouts.total` (0: no cap). */
export function effectiveDeadline(client: number | undefined, cap: number): number | undefined {
  if (cap <= 0) return client;
  return client === undefined ? cap : Math.min(client, cap);
}
