// The shield in front of a real php-fpm over a document root full of tempting files: every attack
// of the corpus (sent as raw bytes) is answered by the shield and never reaches PHP (the scripts
// write a marker file named after the request id) nor leaks a secret; every benign look-alike is
// served. Then each category is turned off in turn: some attack of it must then get past the
// shield, so no family is dead weight hidden behind another.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CATEGORIES, type ShieldCategory } from '../../src/shield/catalogue.js';
import type { TestGateway } from '../helpers/start-gateway.js';
import { ATTACKS, BENIGN } from './corpus.js';
import { gatewayYaml, SECRET, send, startPhpSite, type PhpSite } from './harness.js';

describe('shield attack corpus against php-fpm', () => {
  let site: PhpSite;
  let gw: TestGateway;

  before(async () => {
    site = await startPhpSite();
    gw = await site.gateway('');
  });
  after(async () => {
    await gw?.stop();
    await site?.stop();
  });

  const reachedPhp = (id: string) => site.reachedPhp(id);

  for (const category of CATEGORIES) {
    test(`${category}: every attack is blocked before PHP and nothing leaks`, async () => {
      for (const attack of ATTACKS[category]) {
        const r = await send(gw, attack);
        const expected = r.code === 'SY_ERR_SHIELD_FRAMING' ? 400 : 403;
        assert.equal(r.status, expected, `${attack.name}: ${r.raw.slice(0, 400)}`);
        assert.match(String(r.code), /^SY_ERR_SHIELD_(BLOCKED|FRAMING)$/, attack.name);
        assert.equal(r.category, category, `${attack.name}: blocked as ${String(r.category)}`);
        assert.ok(!reachedPhp(r.id), `${attack.name} reached PHP`);
        assert.ok(!r.raw.includes(SECRET) && !r.raw.includes('ECHO:'), `${attack.name} leaked: ${r.raw.slice(0, 300)}`);
      }
    });
  }

  for (const [group, requests] of Object.entries(BENIGN)) {
    test(`benign ${group}: served`, async () => {
      for (const benign of requests) {
        const r = await send(gw, benign);
        assert.equal(r.status, 200, `${benign.name}: ${r.raw.slice(0, 400)}`);
        if (benign.target.includes('.php') || benign.target.startsWith('/cms/')) assert.ok(reachedPhp(r.id) && r.raw.includes('ECHO:'), `${benign.name} did not reach PHP`);
      }
    });
  }

  test('a block is audited: rule, category, matched part and request id in one log line', async () => {
    const r = await send(gw, { name: 'audit', target: '/echo.php?page=php://input' });
    const line = gw.logs().find((l) => (l['shield'] as { requestId?: string } | undefined)?.requestId === r.id);
    assert.deepEqual((line?.['shield'] as Record<string, unknown>) && { ...(line?.['shield'] as Record<string, unknown>), data: undefined }, {
      rule: 933140, category: 'stream-wrapper', paranoia: 1, action: 'block', part: 'ARGS:page', data: undefined, requestId: r.id,
    });
  });

  test('each category, turned off, lets some of its attacks past the shield', async (t) => {
    const through: Record<string, number> = {};
    try {
      for (const category of CATEGORIES) {
        await gw.reload(gatewayYaml(site.fpm.socketPath, site.root, `shield: { rules: { ${category}: off } }`));
        let passed = 0;
        let php = 0;
        for (const attack of ATTACKS[category as ShieldCategory]) {
          const r = await send(gw, attack);
          if (!String(r.code).startsWith('SY_ERR_SHIELD_') || r.category !== category) passed++;
          if (reachedPhp(r.id) || r.raw.includes(SECRET)) php++;
        }
        through[category] = php;
        assert.ok(passed > 0, `with ${category} off, every attack of it was still blocked as ${category}`);
      }
    } finally {
      await gw.reload(gatewayYaml(site.fpm.socketPath, site.root, ''));
    }
    // For the report: how many attacks of each category reached PHP or leaked a file once it was off.
    t.diagnostic(`attacks reaching PHP or leaking with their category off: ${JSON.stringify(through)}`);
  });
});
