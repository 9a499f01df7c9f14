/**
 * Where rollouts keep their state and samples (`state.store`), so that the worker processes of
 * `serve --workers N` and, with Redis, several instances run one rollout: each process adds the
 * samples it saw, one process at a time holds the lease of judging a route (the one that steps),
 * every process reads the state to follow. `update` is atomic, so an operator's action on any
 * process and a judgement never overwrite each other.
 */
import type { StateConfig } from '../../config/types.js';
import type { RolloutRecord } from '../rollout/rollout-state.js';
import type { StepSamples } from '../rollout/samples.js';

export interface RolloutStore {
  read(route: string): Promise<RolloutRecord | undefined>;
  /** Replaces the record with `change(current)` atomically; undefined from `change` leaves it. Resolves to the record stored. */
  update(route: string, change: (current: RolloutRecord | undefined) => RolloutRecord | undefined): Promise<RolloutRecord | undefined>;
  /** Adds samples this process saw in the window `epoch`. */
  addSamples(route: string, epoch: number, delta: Readonly<StepSamples>): Promise<void>;
  /** Every process's samples of the window `epoch`, summed. */
  samples(route: string, epoch: number): Promise<StepSamples>;
  /** Takes or renews, for `ttlMs`, the lease of judging `route`; true while `owner` holds it. */
  lease(route: string, owner: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function openStore(config: StateConfig): Promise<RolloutStore> {
  if (config.kind === 'redis') return (await import('./redis-store.js')).openRedisStore(config.url);
  return (await import('./file-store.js')).openFileStore(config.path);
}
