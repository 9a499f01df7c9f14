/**
 * `store: redis://...`: buckets in Redis, so every instance (and every worker) naming the same
 * middleware shares one count. A take is one EVALSHA of the script below (ioredis sends EVAL once
 * when the server does not know it yet): refill, take, store and expire atomically, on Redis's
 * clock (TIME), so instances whose clocks differ still agree. The key expires once the bucket
 * would be full again, when it says nothing a fresh one would not.
 */
import type { Redis } from 'ioredis';
import { decide, type Decision, type RateLimitStore } from './decision.js';
import { redisClient, redisUsable } from '../redis-clients.js';
import { SwitchyardError } from '../../errors.js';

// KEYS[1] bucket; ARGV[1] tokens per ms, ARGV[2] burst. Returns { allowed (0/1), tokens as text }:
// Lua numbers become integers on the way out, and the fraction matters for the next refill.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = burst; at = now end
if now > at then tokens = math.min(burst, tokens + (now - at) * rate) end
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return { allowed, tostring(tokens) }
`;

type TakeCommand = (key: string, perMs: string, burst: string) => Promise<[number, string]>;

export class RedisStore implements RateLimitStore {
  readonly #client: Redis;
  readonly #url: string;

  constructor(url: string, timeoutMs: number) {
    this.#url = url;
    this.#client = redisClient(url, timeoutMs);
    if (typeof (this.#client as unknown as { switchyardRateTake?: unknown }).switchyardRateTake !== 'function') {
      this.#client.defineCommand('switchyardRateTake', { numberOfKeys: 1, lua: TAKE });
    }
  }

  async take(name: string, key: string, perSecond: number, burst: number): Promise<Decision> {
    if (!redisUsable(this.#client)) throw new SwitchyardError('SY_ERR_RATE_LIMIT_STORE', `redis at ${redactedUrl(this.#url)} is not connected (${this.#client.status})`);
    const command = (this.#client as unknown as { switchyardRateTake: TakeCommand }).switchyardRateTake.bind(this.#client);
    try {
      const [allowed, tokens] = await command(`switchyard:ratelimit:${name}:${key}`, String(perSecond / 1000), String(burst));
      return decide(allowed === 1, Number(tokens), perSecond, burst);
    } catch (err) {
      throw new SwitchyardError('SY_ERR_RATE_LIMIT_STORE', `redis at ${redactedUrl(this.#url)} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** The URL without a password, for logs and problems. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'redis';
  }
}
