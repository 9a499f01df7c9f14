// The phpSession key ring: a key rotates when its time is up, the retired public key stays listed
// while tokens it signed can still be valid (ttl plus a minute), and then goes.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyRing } from '../../src/plugins/php-session/key-ring.js';
import { mergeJwks } from '../../src/plugins/php-session/jwks-endpoint.js';

it('rotates after the rotation time, keeping the old public key until its tokens have expired', () => {
  const ring = new KeyRing(3_600_000, 0);
  ring.configure(3_600_000, 60_000);
  const first = ring.signingKey(1_000);
  assert.equal(ring.signingKey(3_599_999).kid, first.kid);
  const second = ring.signingKey(3_600_000);
  assert.notEqual(second.kid, first.kid);
  assert.deepEqual(ring.publicKeys(3_600_000 + 60_000 + 59_999).keys.map((k) => k.kid), [second.kid, first.kid]);
  assert.deepEqual(ring.publicKeys(3_600_000 + 60_000 + 60_000).keys.map((k) => k.kid), [second.kid]);
});

it('merges the workers key sets, each key once', () => {
  const a = new KeyRing(1_000, 0).publicKeys(0).keys[0];
  const b = new KeyRing(1_000, 0).publicKeys(0).keys[0];
  assert.ok(a !== undefined && b !== undefined);
  assert.deepEqual(mergeJwks([{ keys: [a] }, { keys: [a, b] }]).keys.map((k) => k.kid), [a.kid, b.kid]);
});
