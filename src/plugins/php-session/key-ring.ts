/**
 * This process's Ed25519 signing keys for the tokens `phpSession` passes on. One ring per
 * process (each worker of `serve --workers N` has its own, and the admin listener lists them all):
 * a key signs for `rotation`, then is retired and its public half stays listed until every
 * token it signed has expired (the longest `ttl` seen, plus a minute for clock skew). Rotation
 * happens when a token is signed after the key's time is up, so an idle gateway keeps no timers.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface PublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly use: 'sig';
}

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: PublicJwk;
  readonly createdAt: number;
}

const SKEW_MS = 60_000;

export class KeyRing {
  #current: SigningKey;
  #retired: { key: SigningKey; listedUntil: number }[] = [];
  #rotationMs: number;
  #longestTtlMs = 0;

  constructor(rotationMs: number, now = Date.now()) {
    this.#rotationMs = rotationMs;
    this.#current = newKey(now);
  }

  /** Another middleware shares the ring: the shortest rotation and the longest ttl win. */
  configure(rotationMs: number, ttlMs: number): void {
    this.#rotationMs = Math.min(this.#rotationMs, rotationMs);
    this.#longestTtlMs = Math.max(this.#longestTtlMs, ttlMs);
  }

  /** The key to sign with now, rotated first when its time is up. */
  signingKey(now = Date.now()): SigningKey {
    if (now - this.#current.createdAt >= this.#rotationMs) {
      this.#retired.push({ key: this.#current, listedUntil: now + this.#longestTtlMs + SKEW_MS });
      this.#current = newKey(now);
    }
    return this.#current;
  }

  /** The JWKS (RFC 7517 §5): the current key and the retired ones still verifying tokens. */
  publicKeys(now = Date.now()): { keys: PublicJwk[] } {
    this.#retired = this.#retired.filter((r) => r.listedUntil > now);
    return { keys: [this.#current.jwk, ...this.#retired.map((r) => r.key.jwk)] };
  }
}

function newKey(now: number): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  const kid = createHash('sha256').update(x).digest('base64url').slice(0, 16);
  return { kid, privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' }, createdAt: now };
}

let ring: KeyRing | undefined;

/** The process's ring, made by the first phpSession middleware. */
export function processKeyRing(rotationMs: number, ttlMs: number): KeyRing {
  ring ??= new KeyRing(rotationMs);
  ring.configure(rotationMs, ttlMs);
  return ring;
}

/** The process's public keys; none when no phpSession middleware was ever built. */
export function processPublicKeys(): { keys: PublicJwk[] } {
  return ring === undefined ? { keys: [] } : ring.publicKeys();
}
