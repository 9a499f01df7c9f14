/** What a worker and the primary say about `store: memory` rate-limit tokens over cluster IPC. */

/** A worker asks for up to `want` tokens of bucket `name`/`key`. */
export interface RateLeaseRequest {
  readonly type: 'rate-lease';
  readonly id: number;
  readonly name: string;
  readonly key: string;
  readonly perSecond: number;
  readonly burst: number;
  readonly want: number;
}

/** The primary's answer: `granted` tokens (0 when limited) and what the bucket holds after. */
export interface RateLeaseGrant {
  readonly type: 'rate-lease';
  readonly id: number;
  readonly granted: number;
  readonly tokens: number;
}
