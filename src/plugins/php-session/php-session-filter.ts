/**
 * `type: phpSession`, the migration bridge: tells a new service who is logged in to the PHP
 * application, without the service reading PHP's sessions (SPEC section 13).
 *
 *   middleware:
 *     session:
 *       type: phpSession
 *       cookie: PHPSESSID
 *       store: files:/var/lib/php/sessions     # or redis://127.0.0.1:6379 (phpredis)
 *       claims: { sub: user_id, roles: roles }
 *       header: X-Switchyard-User
 *
 * The session named by the cookie is read where PHP keeps it and decoded read-only
 * (session-decode.ts), mapped to claims (session-claims.ts) and passed on as a JWT signed with
 * EdDSA by this process's key ring (key-ring.ts; public keys at GET /.well-known/jwks.json on
 * the admin listener), with `iat`, `exp` (`ttl`) and `iss`. No cookie, a refused id, no session,
 * no `sub`, a session that does not decode or is larger than `maxSize`, or a store that fails:
 * the request goes on without the header (the last four logged). The header is removed from every
 * client request on every route (user-header.ts), so only this middleware can set it.
 *
 * A decoded session is kept for `cache` (at most 2 s) per session id, so a logout (the session
 * destroyed) is seen within that time while a busy user costs one read a second.
 */
import { resolve } from 'node:path';
import type { Filter, FilterFactory, FilterProblem } from '../../filters/filter.js';
import { optionsChecker } from '../../filters/options-check.js';
import { parseDuration, parseSize } from '../../config/units.js';
import type { Exchange } from '../../listener/exchange.js';
import { sessionIdFrom } from './session-id.js';
import { FilesStore, RedisSessionStore, SessionReadError, type SessionStore } from './session-store.js';
import { decodeSession, UnserializeError, type SessionSerializer } from './session-decode.js';
import { claimMap, sessionClaims } from './session-claims.js';
import { processKeyRing } from './key-ring.js';
import { loadJose } from '../auth/jose-module.js';

export interface PhpSessionOptions {
  store: string;
  claims: Record<string, string>;
  cookie?: string;
  header?: string;
  prefix?: string;
  ttl?: string | number;
  keyRotation?: string | number;
  cache?: string | number;
  maxSize?: string | number;
  issuer?: string;
  storeTimeout?: string | number;
  serializer?: SessionSerializer;
}

export const DEFAULTS = {
  cookie: 'PHPSESSID',
  header: 'X-Switchyard-User',
  prefix: 'PHPREDIS_SESSION:',
  ttl: '60s',
  keyRotation: '1h',
  cache: '1s',
  maxSize: '64kb',
  issuer: 'switchyard',
  storeTimeout: '100ms',
  serializer: 'php',
} as const;
const MAX_CACHE_MS = 2_000;
const MIN_TTL_MS = 10_000;
const CACHE_SWEEP_ABOVE = 10_000;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const duration = { type: ['string', 'number'] };

const schemaCheck = optionsChecker({
  required: ['store', 'claims'],
  properties: {
    store: { type: 'string' },
    claims: { type: 'object', required: ['sub'], additionalProperties: { type: 'string', minLength: 1 } },
    cookie: { type: 'string', minLength: 1 },
    header: { type: 'string' },
    prefix: { type: 'string' },
    ttl: duration,
    keyRotation: duration,
    cache: duration,
    maxSize: { type: ['string', 'integer'] },
    issuer: { type: 'string', minLength: 1 },
    storeTimeout: duration,
    serializer: { enum: ['php', 'php_serialize'] },
  },
});

export const phpSessionFilter = {
  type: 'phpSession',
  check(options) {
    const problems = schemaCheck(options);
    if (problems.length > 0) return problems;
    const o = options as unknown as PhpSessionOptions;
    const out: FilterProblem[] = [];
    if (!/^files:.+/.test(o.store) && !/^rediss?:\/\/\S+$/.test(o.store)) out.push({ segments: ['store'], message: `'${o.store}' is neither files:<save path> nor a redis:// URL` });
    if (o.header !== undefined && !TOKEN.test(o.header)) out.push({ segments: ['header'], message: `'${o.header}' is not a valid header name` });
    if (o.cookie !== undefined && !TOKEN.test(o.cookie)) out.push({ segments: ['cookie'], message: `'${o.cookie}' is not a valid cookie name` });
    const ttl = parseDuration(o.ttl ?? DEFAULTS.ttl);
    if (ttl === undefined || ttl < MIN_TTL_MS) out.push({ segments: ['ttl'], message: `'${o.ttl}' is not a duration of at least ${MIN_TTL_MS / 1000}s` });
    const cache = parseDuration(o.cache ?? DEFAULTS.cache);
    if (cache === undefined || cache > MAX_CACHE_MS) out.push({ segments: ['cache'], message: `'${o.cache}' is not a duration of at most ${MAX_CACHE_MS / 1000}s (a logout must be seen soon)` });
    for (const key of ['keyRotation', 'storeTimeout'] as const) {
      if (o[key] !== undefined && !((parseDuration(o[key]) ?? 0) > 0)) out.push({ segments: [key], message: `'${o[key]}' is not a duration above zero` });
    }
    if (o.maxSize !== undefined && !((parseSize(o.maxSize) ?? 0) > 0)) out.push({ segments: ['maxSize'], message: `'${o.maxSize}' is not a size above zero` });
    return out;
  },
  create(options, context): Filter {
    const ttlMs = parseDuration(options.ttl ?? DEFAULTS.ttl) as number;
    const cacheMs = parseDuration(options.cache ?? DEFAULTS.cache) as number;
    const maxSize = parseSize(options.maxSize ?? DEFAULTS.maxSize) as number;
    const store: SessionStore = options.store.startsWith('files:')
      ? new FilesStore(resolve(context.configDir, options.store.slice('files:'.length)), maxSize)
      : new RedisSessionStore(options.store, options.prefix ?? DEFAULTS.prefix, maxSize, parseDuration(options.storeTimeout ?? DEFAULTS.storeTimeout) as number);
    const ring = processKeyRing(parseDuration(options.keyRotation ?? DEFAULTS.keyRotation) as number, ttlMs);
    const claims = claimMap(options.claims);
    const header = (options.header ?? DEFAULTS.header).toLowerCase();
    const cookie = options.cookie ?? DEFAULTS.cookie;
    const issuer = options.issuer ?? DEFAULTS.issuer;
    const serializer = options.serializer ?? DEFAULTS.serializer;
    const log = context.log.child({ middleware: context.name });
    /** Per session id: the token to send (undefined: none) and until when that answer holds. */
    const cache = new Map<string, { token: string | undefined; until: number }>();

    const tokenFor = async (exchange: Exchange, id: string): Promise<string | undefined> => {
      let bytes: Buffer | undefined;
      try {
        bytes = await store.read(id);
      } catch (err) {
        if (!(err instanceof SessionReadError)) throw err;
        exchange.log.warn({ middleware: context.name, reason: err.message }, 'php session not read; no user header');
        return undefined;
      }
      if (bytes === undefined) return undefined;
      let found: Record<string, unknown> | undefined;
      try {
        found = sessionClaims(decodeSession(bytes, serializer), claims);
      } catch (err) {
        if (!(err instanceof UnserializeError)) throw err;
        exchange.log.warn({ middleware: context.name, reason: err.message }, 'php session is not in PHP serialize format; no user header');
        return undefined;
      }
      if (found === undefined) return undefined;
      const key = ring.signingKey();
      const now = Math.floor(Date.now() / 1000);
      const { SignJWT } = await loadJose();
      return new SignJWT(found)
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + Math.ceil(ttlMs / 1000))
        .sign(key.privateKey);
    };

    log.debug({ jwks: ring.publicKeys().keys.map((k) => k.kid) }, 'php session bridge ready');
    return async (exchange, next) => {
      const headers = exchange.req.headers;
      delete headers[header];
      const found = sessionIdFrom(headers.cookie, cookie);
      if (found === undefined) return next();
      if ('refused' in found) {
        exchange.log.warn({ middleware: context.name, reason: found.refused }, 'php session id refused; no user header');
        return next();
      }
      const now = Date.now();
      const cached = cache.get(found.id);
      let token: string | undefined;
      if (cached !== undefined && cached.until > now) token = cached.token;
      else {
        token = await tokenFor(exchange, found.id);
        if (cache.size >= CACHE_SWEEP_ABOVE) for (const [id, entry] of cache) if (entry.until <= now) cache.delete(id);
        if (cacheMs > 0) cache.set(found.id, { token, until: now + cacheMs });
      }
      if (token !== undefined) headers[header] = token;
      return next();
    };
  },
} satisfies FilterFactory<PhpSessionOptions>;
