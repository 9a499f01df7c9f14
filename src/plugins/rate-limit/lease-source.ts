/**
 * The workers' side of `store: memory` under `serve --workers N`: tokens come from the primary's
 * ledger (lease-ledger.ts) over the cluster IPC channel, so the instance counts once whichever
 * worker a connection lands on. A lease is at most 1/50 s of the rate and a quarter of the burst
 * shared among the workers.
 */
import type { Grant, GrantSource } from './leased-store.js';
import type { RateLeaseGrant, RateLeaseRequest } from './lease-messages.js';
import { SwitchyardError } from '../../errors.js';

const ANSWER_TIMEOUT_MS = 1_000;

export class PrimaryLeaseSource implements GrantSource {
  readonly #waiting = new Map<number, (grant: RateLeaseGrant) => void>();
  readonly #workers: number;
  #nextId = 1;

  constructor(workers: number) {
    this.#workers = Math.max(1, workers);
    process.on('message', (message: unknown) => {
      const m = message as Partial<RateLeaseGrant>;
      if (m.type !== 'rate-lease' || typeof m.id !== 'number') return;
      const resolve = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      resolve?.(m as RateLeaseGrant);
    });
  }

  leaseSize(perSecond: number, burst: number): number {
    return Math.max(1, Math.min(Math.floor(perSecond / 50), Math.floor(burst / (4 * this.#workers))));
  }

  grant(name: string, key: string, perSecond: number, burst: number, want: number): Promise<Grant> {
    const id = this.#nextId++;
    const request: RateLeaseRequest = { type: 'rate-lease', id, name, key, perSecond, burst, want };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new SwitchyardError('SY_ERR_RATE_LIMIT_STORE', `the primary process did not grant rate-limit tokens within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.#waiting.set(id, (grant) => {
        clearTimeout(timer);
        resolve(grant);
      });
      process.send?.(request);
    });
  }
}
