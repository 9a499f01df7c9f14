/**
 * One kernel event as `GET /admin/sense` lists it (SPEC section 11). Every field is always present
 * (null where it does not apply) so a reader needs no per-kind shapes.
 */
export type SenseKind = 'exec' | 'tcp-state' | 'retransmit';

export interface SenseEvent {
  /** ISO time at which the sensor read it. */
  readonly time: string;
  readonly kind: SenseKind;
  /** exec: the php-fpm worker that started a program; tcp: the task the kernel ran the change in. */
  readonly pid: number;
  /** That task's name as the kernel has it (15 bytes at most). */
  readonly comm: string;
  /** exec: the program's command line (argv joined by spaces, cut at 120 bytes); else null. */
  readonly command: string | null;
  /** tcp: the upstream port the connection is to; else null. */
  readonly port: number | null;
  /** tcp-state: the state left and entered (`SYN_SENT`, `ESTABLISHED`, `CLOSE`...); retransmit: the connection's state in `from`. */
  readonly from: string | null;
  readonly to: string | null;
  /** exec: the id of the request the worker was serving, when the gateway could tell. */
  readonly requestId: string | null;
  /** exec: the started program's pid. */
  readonly child: number | null;
  /** tcp: the upstream's address (the connection's far end from the gateway's side). */
  readonly address: string | null;
}

const KINDS: ReadonlySet<string> = new Set<SenseKind>(['exec', 'tcp-state', 'retransmit']);

/** Checks an event received over the admin API; returns the problem, or undefined when it is one. */
export function senseEventProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'an event must be an object';
  const e = value as Record<string, unknown>;
  if (typeof e['kind'] !== 'string' || !KINDS.has(e['kind'])) return `kind must be one of ${[...KINDS].join(', ')}`;
  if (!Number.isInteger(e['pid'])) return 'pid must be an integer';
  if (typeof e['comm'] !== 'string') return 'comm must be a string';
  for (const key of ['command', 'from', 'to', 'address', 'time', 'requestId'] as const) {
    if (e[key] !== undefined && e[key] !== null && typeof e[key] !== 'string') return `${key} must be a string or null`;
  }
  for (const key of ['port', 'child'] as const) {
    if (e[key] !== undefined && e[key] !== null && !Number.isInteger(e[key])) return `${key} must be an integer or null`;
  }
  return undefined;
}
