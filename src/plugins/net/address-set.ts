/**
 * A set of IPv4 and IPv6 networks written as CIDRs (`10.0.0.0/8`, `2001:db8::/32`) or single
 * addresses, on node's BlockList (which matches both families). An IPv4-mapped IPv6 address
 * (`::ffff:10.1.2.3`, what a dual-stack socket reports for an IPv4 client) is matched as the
 * IPv4 address it carries, so an operator writes IPv4 rules once.
 */
import { BlockList, isIP } from 'node:net';

const MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

export class AddressSet {
  readonly #list = new BlockList();
  readonly size: number;

  /** `entries` must have passed `cidrProblem`. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.#list.addAddress(address, family);
      else this.#list.addSubnet(address, Number(bits), family);
    }
    this.size = entries.length;
  }

  has(address: string): boolean {
    const plain = unmapped(address);
    const family = isIP(plain);
    if (family === 0) return false;
    return this.#list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** `::ffff:1.2.3.4` as `1.2.3.4`; other addresses as they are. */
export function unmapped(address: string): string {
  const m = MAPPED.exec(address);
  return m === null ? address : (m[1] as string);
}

/** Why `entry` is not an address or CIDR, or undefined when it is one. */
export function cidrProblem(entry: string): string | undefined {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return `'${entry}' is not an IPv4 or IPv6 address or CIDR`;
  if (bits === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `'${entry}' has a prefix length outside 0-${max}`;
  return undefined;
}
