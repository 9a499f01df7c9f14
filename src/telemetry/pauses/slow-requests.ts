/**
 * The slowest requests of each time slice (a handful per slice, in a ring as long as the heatmap
 * window), so "the slowest requests of the last five minutes" can be answered at any traffic
 * level with bounded memory. Each record carries what the request itself measured: queue wait
 * for a php-fpm slot and time spent in upstream attempts.
 */
import { SliceRing } from '../slice-ring.js';

export interface RequestRecord {
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly durationMs: number;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly upstream: string | undefined;
  readonly status: number;
  readonly requestId: string;
  readonly traceId: string | undefined;
  /** Waiting for a php-fpm slot in the gateway's admission queue. */
  readonly queueWaitMs: number;
  /** Time inside upstream attempts (connect, request, response head, and for FastCGI the body). */
  readonly upstreamMs: number;
}

const PER_SLICE = 8;

export class SlowRequests {
  /** Per slice, its slowest requests, slowest first. */
  readonly #ring: SliceRing<RequestRecord[]>;

  constructor(sliceMs: number, keepMs: number) {
    this.#ring = new SliceRing<RequestRecord[]>(sliceMs, keepMs, () => [], () => []);
  }

  /**
   * Whether a request that ended at `end` (epoch ms) taking `durationMs` would be kept: asked
   * before its record is built, so a request faster than its slice's slowest few costs one
   * compare and no allocation.
   */
  admits(end: number, durationMs: number): boolean {
    const top = this.#ring.at(end);
    return top.length < PER_SLICE || (top[top.length - 1] as RequestRecord).durationMs < durationMs;
  }

  offer(record: RequestRecord): void {
    if (!this.admits(record.end, record.durationMs)) return;
    const top = this.#ring.at(record.end);
    let i = top.length;
    while (i > 0 && (top[i - 1] as RequestRecord).durationMs < record.durationMs) i--;
    top.splice(i, 0, record);
    if (top.length > PER_SLICE) top.pop();
  }

  /** The `limit` slowest requests that ended in [from, to], slowest first. */
  slowest(from: number, to: number, limit: number): RequestRecord[] {
    const out: RequestRecord[] = [];
    for (const top of this.#ring.values()) for (const r of top) if (r.end >= from && r.end <= to) out.push(r);
    return out.sort((a, b) => b.durationMs - a.durationMs).slice(0, limit);
  }
}
