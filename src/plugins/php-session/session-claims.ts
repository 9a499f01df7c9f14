/**
 * Session variables to token claims, by the `claims` option (`{ sub: user_id, roles: roles }`;
 * a dotted path reads into nested arrays: `tenant: user.tenant_id`). `sub` is always a string
 * (RFC 7519 §4.1.2: a StringOrURI), and a session without it is not a logged-in user: no claims.
 * Other claims missing from the session are left out. Floats that JSON cannot carry (INF, NAN)
 * become null.
 */
import type { PhpValue } from './php-unserialize.js';

export type ClaimMap = ReadonlyArray<readonly [claim: string, path: readonly string[]]>;

export function claimMap(claims: Readonly<Record<string, string>>): ClaimMap {
  return Object.entries(claims).map(([claim, key]) => [claim, key.split('.')] as const);
}

export function sessionClaims(session: Readonly<Record<string, PhpValue>>, map: ClaimMap): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [claim, path] of map) {
    let value: PhpValue | undefined = session[path[0] as string];
    for (const step of path.slice(1)) value = value !== null && typeof value === 'object' && Object.hasOwn(value, step) ? (value as Record<string, PhpValue>)[step] : undefined;
    if (value === undefined) continue;
    if (claim === 'sub') {
      if (typeof value === 'string' && value !== '') out['sub'] = value;
      else if (typeof value === 'number' && Number.isFinite(value)) out['sub'] = String(value);
      continue;
    }
    out[claim] = jsonSafe(value);
  }
  return out['sub'] === undefined ? undefined : out;
}

function jsonSafe(value: PhpValue): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}
