/**
 * `GET /.well-known/jwks.json` on the admin listener (SPEC section 2): the public keys that verify
 * the tokens `phpSession` sends, open (no admin token), as a service fetching it expects. Under
 * `serve --workers N` the primary asks every worker and lists each key once.
 */
import { sendJson, type AdminEndpoint } from '../../admin/endpoint.js';
import { fanOutEndpoint } from '../../process/fan-out.js';
import { processPublicKeys, type PublicJwk } from './key-ring.js';

export const JWKS_PATH = '/.well-known/jwks.json';

export const jwksEndpoint: AdminEndpoint = {
  method: 'GET',
  path: JWKS_PATH,
  open: true,
  async handle(exchange) {
    sendJson(exchange.res, 200, processPublicKeys());
  },
};

export function mergedJwksEndpoint(workerAdmins: () => readonly string[]): AdminEndpoint {
  return { ...fanOutEndpoint<{ keys: PublicJwk[] }>(JWKS_PATH, workerAdmins, mergeJwks), open: true };
}

export function mergeJwks(sets: readonly { keys: readonly PublicJwk[] }[]): { keys: PublicJwk[] } {
  const byKid = new Map<string, PublicJwk>();
  for (const set of sets) for (const key of set.keys) byKid.set(key.kid, key);
  return { keys: [...byKid.values()] };
}
