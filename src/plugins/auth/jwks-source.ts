/**
 * The keys a `jwt` middleware verifies with: a JWKS (RFC 7517 §5) from a URL or a file. Loaded
 * when the config is built and then off the request path: a request never waits for a fetch
 * except when no key set has loaded yet, or when a token names a key id the set lacks (the issuer
 * rotated), and then at most once per COOLDOWN_MS (UNLOADED_COOLDOWN_MS while none has loaded). A set older than `refreshMs` is refetched in
 * the background by the next request. A fetch that fails keeps the last good set and is logged.
 */
import { readFile } from 'node:fs/promises';
import type { createLocalJWKSet, JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { loadJose } from './jose-module.js';
import type { Logger } from 'pino';
import { SwitchyardError } from '../../errors.js';

const FETCH_TIMEOUT_MS = 2_000;
const COOLDOWN_MS = 30_000;
/** While no set has loaded, requests fail fast with 503 between attempts this far apart. */
const UNLOADED_COOLDOWN_MS = 1_000;

type GetKeyArgs = Parameters<JWTVerifyGetKey>;
type Key = Awaited<ReturnType<ReturnType<typeof createLocalJWKSet>>>;

export class JwksSource {
  readonly #location: string;
  readonly #isUrl: boolean;
  readonly #refreshMs: number;
  readonly #log: Logger;
  #set: ReturnType<typeof createLocalJWKSet> | undefined;
  #loadedAt = 0;
  #attemptedAt = 0;
  #loading: Promise<void> | undefined;
  #lastError = 'not loaded yet';
  /** When a token last named a key id the set lacked and made it load again. */
  #unknownKidAt = 0;

  constructor(location: string, refreshMs: number, log: Logger) {
    this.#location = location;
    this.#isUrl = /^https?:\/\//.test(location);
    this.#refreshMs = refreshMs;
    this.#log = log;
    void this.#refresh();
  }

  /** For jose's jwtVerify. */
  readonly getKey = async (...args: GetKeyArgs): Promise<Key> => {
    if (this.#set === undefined) await this.#refresh();
    const set = this.#set;
    if (set === undefined) throw new SwitchyardError('SY_ERR_JWT_KEYS_UNAVAILABLE', `no key set loaded from ${this.#location}: ${this.#lastError}`);
    if (Date.now() - this.#loadedAt > this.#refreshMs) void this.#refresh();
    try {
      return await set(...args);
    } catch (err) {
      if (!(err instanceof (await loadJose()).errors.JWKSNoMatchingKey) || Date.now() - this.#unknownKidAt < COOLDOWN_MS) throw err;
      this.#unknownKidAt = Date.now();
      const before = this.#loadedAt;
      await this.#refresh(true);
      if (this.#loadedAt === before) throw err;
      return (this.#set ?? set)(...args);
    }
  };

  /** Loads again, unless a load is under way (joined) or, unless forced, the last began within the cooldown. */
  #refresh(force = false): Promise<void> {
    if (this.#loading !== undefined) return this.#loading;
    if (!force && Date.now() - this.#attemptedAt < (this.#set === undefined ? UNLOADED_COOLDOWN_MS : COOLDOWN_MS)) return Promise.resolve();
    this.#attemptedAt = Date.now();
    this.#loading = Promise.all([this.#load(), loadJose()])
      .then(([jwks, jose]) => {
        this.#set = jose.createLocalJWKSet(jwks);
        this.#loadedAt = Date.now();
      })
      .catch((err: unknown) => {
        this.#lastError = (err as Error).message;
        this.#log.warn({ jwks: this.#location, reason: this.#lastError, keeping: this.#set !== undefined }, 'cannot load the JWKS');
      })
      .finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #load(): Promise<JSONWebKeySet> {
    let text: string;
    if (this.#isUrl) {
      const res = await fetch(this.#location, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (res.status !== 200) throw new Error(`${this.#location} answered ${res.status}`);
      text = await res.text();
    } else {
      text = await readFile(this.#location, 'utf8');
    }
    return parseJwks(text, this.#location);
  }
}

/** The text as a key set, or an error saying what is wrong with it. */
export function parseJwks(text: string, where: string): JSONWebKeySet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not JSON`);
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'object' || k === null || typeof (k as { kty?: unknown }).kty !== 'string')) {
    throw new Error(`${where} is not a JWKS (an object with a keys array of JWKs)`);
  }
  return value as JSONWebKeySet;
}
