/**
 * Whether `admin.listen` stays on this machine, decided on the addresses its host resolves to, as
 * the listener will bind them, not on how the host is spelt: `127.example.com` may resolve to any
 * address, and `localhost` is loopback because it resolves so. Every resolved address must be
 * loopback for `admin.token` (or `admin.tokens`) to be optional. Resolution needs the system resolver (dns.lookup,
 * getaddrinfo as listen() uses), so this runs when a config is loaded, after the synchronous
 * schema and normalise pass; a host that does not resolve is a config problem like any other.
 */
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { parseAddress } from './address.js';
import type { RawProblem } from './normalize.js';

const LOOPBACK = new BlockList();
// RFC 1122 §3.2.1.3: all of 127/8 is loopback. BlockList also matches IPv4-mapped ::ffff:127.x.
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
// RFC 4291 §2.5.3
LOOPBACK.addAddress('::1', 'ipv6');

const RESOLVER_ERRORS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the name server did not answer',
  ENODATA: 'the name has no address',
};

/** Problems with `admin.listen` on a raw document (after `${ENV}`); shapes the schema rejects are left to it. */
export async function checkAdminListen(raw: Readonly<Record<string, unknown>>): Promise<RawProblem[]> {
  const admin = raw['admin'];
  if (admin === null || typeof admin !== 'object' || Array.isArray(admin)) return [];
  const { listen, token, tokens } = admin as Record<string, unknown>;
  const address = typeof listen === 'string' || typeof listen === 'number' ? parseAddress(listen) : undefined;
  // A unix socket is reachable only through the file system of this machine.
  if (address === undefined || address.kind === 'unix') return [];
  const at = ['admin', 'listen'];
  let resolved: LookupAddress[];
  try {
    resolved = await lookup(address.host, { all: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return [{ code: 'SY_ERR_CONFIG_UNRESOLVED', segments: at, message: `cannot resolve '${address.host}': ${RESOLVER_ERRORS[code] ?? code}` }];
  }
  // admin.tokens (read and write) counts as a token as admin.token does.
  if ((typeof token === 'string' && token !== '') || (tokens !== null && typeof tokens === 'object')) return [];
  const beyond = resolved.filter((a) => !LOOPBACK.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4')).map((a) => a.address);
  if (beyond.length === 0) return [];
  const via = isIP(address.host) === 0 ? ` ('${address.host}' resolves to ${beyond.join(', ')})` : '';
  return [{ code: 'SY_ERR_CONFIG_INVALID', segments: at, message: `admin listens beyond loopback${via}: set admin.token or admin.tokens` }];
}
