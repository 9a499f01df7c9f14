/**
 * `type: jwt`: a bearer token (RFC 6750) verified against a JWKS.
 *
 *   middleware:
 *     auth:
 *       type: jwt
 *       jwks: https://id.example.com/.well-known/jwks.json   # or a file path
 *       algorithms: [RS256, EdDSA]
 *       issuer: https://id.example.com
 *       audience: orders
 *       clockSkew: 30s
 *       claims: { X-User-Id: sub, X-Tenant: tenant }           # copied to upstream headers
 *
 * Options (defaults in DEFAULTS): `jwks` (required), `algorithms` (the allowlist; a token signed
 * otherwise is refused, `none` can never be listed), `issuer` and `audience` (a string or a list),
 * `clockSkew` (tolerance on exp/nbf/iat), `refresh` (how old a fetched set may get), `claims`.
 * A token without `exp` is refused: a token that never expires cannot be revoked.
 * The `claims` headers are removed from every request first, so a client cannot send its own.
 * The verified claims stay with the request for middleware after this one (rateLimit key claim:).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JWTVerifyOptions } from 'jose';
import { loadJose } from './jose-module.js';
import type { Filter, FilterFactory, FilterProblem } from '../../filters/filter.js';
import { optionsChecker } from '../../filters/options-check.js';
import { parseDuration } from '../../config/units.js';
import { SwitchyardError, isSwitchyardError } from '../../errors.js';
import { JwksSource, parseJwks } from './jwks-source.js';
import { setVerifiedClaims } from './verified-claims.js';

export interface JwtOptions {
  jwks: string;
  algorithms?: string[];
  issuer?: string | string[];
  audience?: string | string[];
  clockSkew?: string | number;
  refresh?: string | number;
  claims?: Record<string, string>;
}

export const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export const DEFAULTS = { algorithms: ['RS256', 'ES256', 'EdDSA'], clockSkew: '30s', refresh: '10m' } as const;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 §5.5: no CR, LF, NUL or other control characters but tab. */
const FIELD_VALUE = /^[^\x00-\x08\x0a-\x1f\x7f]*$/;
const stringOrList = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }] };
const schemaCheck = optionsChecker({
  required: ['jwks'],
  properties: {
    jwks: { type: 'string', minLength: 1 },
    algorithms: { type: 'array', minItems: 1, items: { enum: [...ALGORITHMS] } },
    issuer: stringOrList,
    audience: stringOrList,
    clockSkew: { type: ['string', 'number'] },
    refresh: { type: ['string', 'number'] },
    claims: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
  },
});

const isUrl = (jwks: string) => /^https?:\/\//.test(jwks);

export const jwtFilter = {
  type: 'jwt',
  check(options, context) {
    const problems = schemaCheck(options);
    if (problems.length > 0) return problems;
    const o = options as unknown as JwtOptions;
    const out: FilterProblem[] = [];
    for (const key of ['clockSkew', 'refresh'] as const) {
      if (o[key] !== undefined && parseDuration(o[key]) === undefined) out.push({ segments: [key], message: `'${o[key]}' is not a duration` });
    }
    for (const name of Object.keys(o.claims ?? {})) if (!TOKEN.test(name)) out.push({ segments: ['claims', name], message: `'${name}' is not a valid header name` });
    if (!isUrl(o.jwks)) {
      const file = resolve(context.configDir, o.jwks);
      try {
        parseJwks(readFileSync(file, 'utf8'), file);
      } catch (err) {
        out.push({ segments: ['jwks'], message: (err as NodeJS.ErrnoException).code === undefined ? (err as Error).message : `cannot read ${file}: ${(err as NodeJS.ErrnoException).code}` });
      }
    }
    return out;
  },
  create(options, context): Filter {
    const location = isUrl(options.jwks) ? options.jwks : resolve(context.configDir, options.jwks);
    const keys = new JwksSource(location, parseDuration(options.refresh ?? DEFAULTS.refresh) as number, context.log.child({ middleware: context.name }));
    const verify: JWTVerifyOptions = {
      algorithms: [...(options.algorithms ?? DEFAULTS.algorithms)],
      clockTolerance: (parseDuration(options.clockSkew ?? DEFAULTS.clockSkew) as number) / 1000,
      requiredClaims: ['exp'],
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      ...(options.audience === undefined ? {} : { audience: options.audience }),
    };
    const copies = Object.entries(options.claims ?? {}).map(([header, claim]) => [header.toLowerCase(), claim] as const);
    return async (exchange, next) => {
      const headers = exchange.req.headers;
      for (const [header] of copies) delete headers[header];
      const authorization = headers.authorization;
      if (authorization === undefined || !/^bearer /i.test(authorization)) throw invalid('no bearer token in the Authorization header', false);
      let payload: Record<string, unknown>;
      const jose = await loadJose();
      try {
        payload = (await jose.jwtVerify(authorization.slice(7).trim(), keys.getKey, verify)).payload;
      } catch (err) {
        if (isSwitchyardError(err)) throw err;
        throw invalid(reason(err, jose.errors), true);
      }
      setVerifiedClaims(exchange, payload);
      for (const [header, claim] of copies) {
        const value = payload[claim];
        if (value === undefined || value === null) continue;
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        // A claim is the issuer's data, not a header value: one that would break the field is left out.
        if (!FIELD_VALUE.test(text)) {
          exchange.log.warn({ middleware: context.name, claim, header }, 'claim holds characters a header cannot carry; not copied');
          continue;
        }
        headers[header] = text;
      }
      return next();
    };
  },
} satisfies FilterFactory<JwtOptions>;

/** 401 with the RFC 6750 §3 challenge; `error="invalid_token"` once a token was presented. */
function invalid(detail: string, presented: boolean): SwitchyardError {
  const challenge = presented ? `Bearer realm="switchyard", error="invalid_token", error_description="${detail.replace(/["\\]/g, "'")}"` : 'Bearer realm="switchyard"';
  return new SwitchyardError('SY_ERR_JWT_INVALID', detail, { headers: { 'www-authenticate': challenge } });
}

function reason(err: unknown, errors: typeof import('jose').errors): string {
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim '${err.claim}' is not accepted (${err.reason})`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this route does not accept';
  if (err instanceof errors.JWKSNoMatchingKey) return 'the token is signed by a key that is not in the key set';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'the token is malformed';
  return `the token is not valid: ${(err as Error).message}`;
}
