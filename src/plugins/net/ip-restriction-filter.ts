/**
 * `type: ipRestriction`: CIDR allow and deny lists, IPv4 and IPv6 (net/address-set.ts).
 *
 *   middleware:
 *     office: { type: ipRestriction, allow: [10.0.0.0/8, 2001:db8::/32], deny: [10.6.6.0/24] }
 *
 * Deny wins; with an `allow` list, an address on neither list is refused; with only `deny`,
 * everything else passes. The address is the connection's, or the client named by
 * `X-Forwarded-For` when the connection comes from one of `trustedProxies`.
 */
import type { Filter, FilterFactory, FilterProblem } from '../../filters/filter.js';
import { optionsChecker } from '../../filters/options-check.js';
import { SwitchyardError } from '../../errors.js';
import { AddressSet, cidrProblem } from './address-set.js';
import { clientAddress } from './client-address.js';

export interface IpRestrictionOptions {
  allow?: string[];
  deny?: string[];
  trustedProxies?: string[];
}

const list = { type: 'array', items: { type: 'string' } };
const schemaCheck = optionsChecker({ properties: { allow: list, deny: list, trustedProxies: list } });

export const ipRestrictionFilter = {
  type: 'ipRestriction',
  check(options) {
    const problems = schemaCheck(options);
    if (problems.length > 0) return problems;
    const o = options as IpRestrictionOptions;
    const out: FilterProblem[] = [];
    if (o.allow === undefined && o.deny === undefined) out.push({ segments: [], message: 'needs an allow or a deny list' });
    for (const side of ['allow', 'deny', 'trustedProxies'] as const) {
      (o[side] ?? []).forEach((cidr, i) => {
        const problem = cidrProblem(cidr);
        if (problem !== undefined) out.push({ segments: [side, i], message: problem });
      });
    }
    return out;
  },
  create(options): Filter {
    const allow = options.allow === undefined ? undefined : new AddressSet(options.allow);
    const deny = new AddressSet(options.deny ?? []);
    const trusted = options.trustedProxies === undefined ? undefined : new AddressSet(options.trustedProxies);
    return async (exchange, next) => {
      const address = clientAddress(exchange, trusted);
      if (deny.has(address)) throw new SwitchyardError('SY_ERR_IP_FORBIDDEN', `client address ${address} is on the deny list`);
      if (allow !== undefined && !allow.has(address)) throw new SwitchyardError('SY_ERR_IP_FORBIDDEN', `client address ${address} is not on the allow list`);
      return next();
    };
  },
} satisfies FilterFactory<IpRestrictionOptions>;
