/**
 * `store: redis://...`: buckets in Redis, so every instance (and every worker) naming the same
 * middleware shares one count. Tokens are taken in leases (leased-store.ts) of at most 1/50 s of
 * the rate and an eighth of the burst, each one EVALSHA of the script below (ioredis sends EVAL
 * once when the server does not know it yet): refill, take up to the lease, store and expire
 * atomically, on Redis's clock (TIME), so instances whose clocks differ still agree. The key
 * expires once the bucket would be full again, when it says nothing a fresh one would not.
 * Commands issued in the same tick go out as one pipeline (ioredis autopipelining).
 */
import type { Redis } from 'ioredis';
import type { Grant, GrantSource } from './leased-store.js';
import { redisClient, redisUsable } from '../redis-clients.js';
import { SwitchyardError } from '../../errors.js';

// KEYS[1] bucket; ARGV[1] tokens per ms, ARGV[2] burst, ARGV[3] tokens wanted. Returns
// { granted, tokens left as text }:
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
local granted = 0
if tokens >= 1 then granted = math.min(tonumber(ARGV[3]), math.floor(tokens)); tokens = tokens - granted end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return { granted, tostring(tokens) }
`;

type TakeCommand = (key: string, perMs: string, burst: string, want: string) => Promise<[number, string]>;

export class RedisGrantSource implements GrantSource {
  readonly #client: Promise<Redis>;
  readonly #url: string;

  constructor(url: string, timeoutMs: number) {
    this.#url = url;
    this.#client = redisClient(url, timeoutMs).then((client) => {
      if (typeof (client as unknown as { switchyardRateTake?: unknown }).switchyardRateTake !== 'function') {
        client.defineCommand('switchyardRateTake', { numberOfKeys: 1, lua: TAKE });
      }
      return client;
    });
  }

  leaseSize(perSecond: number, burst: number): number {
    return Math.max(1, Math.min(Math.floor(perSecond / 50), Math.floor(burst / 8)));
  }

  async grant(name: string, key: string, perSecond: number, burst: number, want: number): Promise<Grant> {
    const client = await this.#client;
    if (!redisUsable(client)) throw new SwitchyardError('SY_ERR_RATE_LIMIT_STORE', `redis at ${redactedUrl(this.#url)} is not connected (${client.status})`);
    const command = (client as unknown as { switchyardRateTake: TakeCommand }).switchyardRateTake.bind(client);
    try {
      const [granted, tokens] = await command(`switchyard:ratelimit:${name}:${key}`, String(perSecond / 1000), String(burst), String(want));
      return { granted, tokens: Number(tokens) };
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
