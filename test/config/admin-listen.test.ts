// admin.token may be left out only when admin.listen stays on loopback, and that is decided on the
// addresses the host resolves to, not on its spelling. The hosts below resolve without DNS or
// /etc/hosts entries: IP literals, `localhost`, numeric names (inet_aton's 32-bit form, which
// getaddrinfo accepts), and names under the reserved .invalid TLD (RFC 6761 §6.4: never resolve).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError, formatProblem } from '../../src/config/problems.js';

async function problemsOf(admin: string): Promise<string[]> {
  try {
    await loadConfig(`listen: 127.0.0.1:0\nadmin: ${admin}\nroutes: []\n`, { file: 'sy.yaml', env: {} });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems.map((p) => `${formatProblem('sy.yaml', p)} (${p.code})`);
  }
  return [];
}

const cases: readonly { admin: string; problems: readonly (string | RegExp)[]; why: string }[] = [
  { admin: '{ listen: 127.0.0.1:9901 }', problems: [], why: 'a loopback literal' },
  { admin: '{ listen: "[::1]:9901" }', problems: [], why: 'the IPv6 loopback' },
  { admin: '{ listen: localhost:9901 }', problems: [], why: 'localhost resolves to loopback' },
  { admin: '{ listen: 2130706433:9901 }', problems: [], why: 'a name not spelt 127. that resolves to 127.0.0.1' },
  { admin: '{ listen: unix:/run/switchyard-admin.sock }', problems: [], why: 'a unix socket stays on the machine' },
  {
    admin: '{ listen: 0.0.0.0:9901 }',
    problems: ['sy.yaml:2:18: admin.listen: admin listens beyond loopback: set admin.token or admin.tokens (SY_ERR_CONFIG_INVALID)'],
    why: 'every interface',
  },
  {
    admin: '{ listen: 167772161:9901 }',
    problems: ["sy.yaml:2:18: admin.listen: admin listens beyond loopback ('167772161' resolves to 10.0.0.1): set admin.token or admin.tokens (SY_ERR_CONFIG_INVALID)"],
    why: 'a name that resolves beyond loopback',
  },
  { admin: '{ listen: 167772161:9901, token: s3cret }', problems: [], why: 'beyond loopback with a token' },
  { admin: '{ listen: 167772161:9901, tokens: { read: r3ad, write: wr1te } }', problems: [], why: 'beyond loopback with scoped tokens' },
  {
    admin: '{ listen: 127.0.0.1:9901, token: s3cret, tokens: { read: r3ad, write: wr1te } }',
    problems: ['sy.yaml:2:57: admin.tokens: set admin.token (both scopes) or admin.tokens (read and write), not both (SY_ERR_CONFIG_INVALID)'],
    why: 'one token for both scopes and scoped tokens at once',
  },
  {
    admin: '{ listen: 127.0.0.1:9901, tokens: { read: same, write: same } }',
    problems: ['sy.yaml:2:50: admin.tokens.read: the read token equals the write token: it would write too (SY_ERR_CONFIG_INVALID)'],
    why: 'a read token that is the write token',
  },
  {
    admin: '{ listen: 127.0.0.1.invalid:9901 }',
    problems: [/^sy\.yaml:2:18: admin\.listen: cannot resolve '127\.0\.0\.1\.invalid': .+ \(SY_ERR_CONFIG_UNRESOLVED\)$/],
    why: 'spelt like loopback but does not resolve',
  },
  {
    admin: '{ listen: admin.invalid:9901, token: s3cret }',
    problems: [/^sy\.yaml:2:18: admin\.listen: cannot resolve 'admin\.invalid': .+ \(SY_ERR_CONFIG_UNRESOLVED\)$/],
    why: 'a name that does not resolve, token or not',
  },
];

for (const c of cases) {
  test(`admin ${c.admin}: ${c.problems.length === 0 ? 'accepted' : 'refused'} (${c.why})`, async () => {
    const problems = await problemsOf(c.admin);
    assert.equal(problems.length, c.problems.length, problems.join('\n'));
    c.problems.forEach((expected, i) => (typeof expected === 'string' ? assert.equal(problems[i], expected) : assert.match(problems[i] ?? '', expected)));
  });
}

test('a name that does not resolve is listed with the other problems', async () => {
  const problems = await problemsOf('{ listen: 127.0.0.1.invalid:9901, tokn: x }');
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0] ?? '', /^sy\.yaml:2:18: admin\.listen: cannot resolve/);
  assert.match(problems[1] ?? '', /^sy\.yaml:2:42: admin\.tokn: unknown key 'tokn' \(did you mean 'token'\?\)/);
});
