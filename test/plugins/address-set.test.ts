// CIDR sets for ipRestriction and trusted proxies, table by table: IPv4, IPv6, IPv4-mapped IPv6,
// prefix bounds, and the entries that are refused at load.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AddressSet, cidrProblem } from '../../src/plugins/net/address-set.js';

describe('AddressSet', () => {
  const set = new AddressSet(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1/128', '0.0.0.0/32']);
  const cases: [string, boolean][] = [
    ['10.255.1.2', true],
    ['11.0.0.1', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['::ffff:10.1.2.3', true],
    ['::ffff:11.1.2.3', false],
    ['2001:db8:ffff::1', true],
    ['2001:db9::1', false],
    ['::1', true],
    ['::2', false],
    ['not an address', false],
    ['', false],
  ];
  for (const [address, expected] of cases) it(`${address || '(empty)'} ${expected ? 'is' : 'is not'} in the set`, () => assert.equal(set.has(address), expected));
});

describe('cidrProblem', () => {
  for (const ok of ['10.0.0.0/8', '10.0.0.0/0', '10.0.0.1', '::/0', '2001:db8::/128', '::ffff:1.2.3.4']) it(`accepts ${ok}`, () => assert.equal(cidrProblem(ok), undefined));
  const bad: [string, RegExp][] = [
    ['10.0.0.0/33', /prefix length outside 0-32/],
    ['2001:db8::/129', /prefix length outside 0-128/],
    ['10.0.0.0/8/8', /not an IPv4 or IPv6/],
    ['10.0.0/8', /not an IPv4 or IPv6/],
    ['10.0.0.0/x', /prefix length/],
    ['example.com', /not an IPv4 or IPv6/],
  ];
  for (const [entry, reason] of bad) it(`refuses ${entry}`, () => assert.match(cidrProblem(entry) ?? '', reason));
});
