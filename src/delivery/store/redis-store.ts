/**
 * `state.store: redis://host:port[/db]`: rollouts shared by several gateway instances. The record
 * is a JSON string changed under a short lock key (SET NX PX, released only by its holder); the
 * samples of a window are a hash of counters every process adds to with HINCRBY (samples.ts
 * names them); the lease of judging is a key renewed by its holder (a Lua script, so take-or-renew
 * is one step).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SwitchyardError } from '../../errors.js';
import type { RolloutRecord } from '../rollout/rollout-state.js';
import { fromCounters, toCounters, type StepSamples } from '../rollout/samples.js';
import type { RolloutStore } from './store.js';

const LOCK_MS = 5_000;
const LOCK_WAIT_MS = 3_000;
/** Sample windows are kept a week, then Redis forgets them. */
const SAMPLES_TTL_S = 7 * 24 * 3600;

const LEASE = `local held = redis.call('GET', KEYS[1])
if held == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if held then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1`;
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export async function openRedisStore(url: string): Promise<RolloutStore> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
  // Connection trouble surfaces as failed commands (SY_ERR_ROLLOUT_STORE); ioredis reconnects.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new SwitchyardError('SY_ERR_ROLLOUT_STORE', `cannot connect to ${url}: ${(err as Error).message}`);
  }
  return new RedisStore(redis);
}

class RedisStore implements RolloutStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async read(route: string): Promise<RolloutRecord | undefined> {
    const text = await this.#do(() => this.#redis.get(key(route)));
    return text === null ? undefined : (JSON.parse(text) as RolloutRecord);
  }

  async update(route: string, change: (current: RolloutRecord | undefined) => RolloutRecord | undefined): Promise<RolloutRecord | undefined> {
    const lock = `${key(route)}:lock`;
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + LOCK_WAIT_MS;
    while ((await this.#do(() => this.#redis.set(lock, token, 'PX', LOCK_MS, 'NX'))) === null) {
      if (Date.now() > deadline) throw new SwitchyardError('SY_ERR_ROLLOUT_STORE', `${lock} stayed locked for ${LOCK_WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
    }
    try {
      const current = await this.read(route);
      const next = change(current);
      if (next === undefined) return current;
      await this.#do(() => this.#redis.set(key(route), JSON.stringify(next)));
      return next;
    } finally {
      await this.#do(() => this.#redis.eval(UNLOCK, 1, lock, token));
    }
  }

  async addSamples(route: string, epoch: number, delta: Readonly<StepSamples>): Promise<void> {
    const counters = Object.entries(toCounters(delta));
    if (counters.length === 0) return;
    const hash = `${key(route)}:samples:${epoch}`;
    const batch = this.#redis.multi();
    for (const [name, value] of counters) batch.hincrby(hash, name, value);
    batch.expire(hash, SAMPLES_TTL_S);
    await this.#do(() => batch.exec());
  }

  async samples(route: string, epoch: number): Promise<StepSamples> {
    return fromCounters(await this.#do(() => this.#redis.hgetall(`${key(route)}:samples:${epoch}`)));
  }

  async lease(route: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.#do(() => this.#redis.eval(LEASE, 1, `${key(route)}:lease`, owner, ttlMs))) === 1;
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  async #do<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      if (err instanceof SwitchyardError) throw err;
      throw new SwitchyardError('SY_ERR_ROLLOUT_STORE', `redis: ${(err as Error).message}`);
    }
  }
}

function key(route: string): string {
  return `switchyard:rollout:${route}`;
}
