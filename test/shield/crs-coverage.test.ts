// The CRS comparison in docs/shield.md, checked: for every CRS paranoia-1 rule of the 933, 930,
// 920 and 921 families that crs-coverage.ts says is covered, an attack of its family (our own
// payload) goes through a real gateway to a real php-fpm and is stopped before PHP by the named
// shield rule (403, or 400 for framing) or by the HTTP/1.1 codec (400); every uncovered one says
// why; and the docs table lists each CRS id with what covers it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { RULES_BY_ID } from '../../src/shield/catalogue.js';
import type { TestGateway } from '../helpers/start-gateway.js';
import { parseRawResponse, rawRequest } from '../helpers/raw-http.js';
import { CRS_LEVEL_1, type CrsRule } from './crs-coverage.js';
import { SECRET, send, startPhpSite, type PhpSite } from './harness.js';

let counter = 0;

async function attack(gw: TestGateway, rule: CrsRule): Promise<{ id: string; status: number; rule: unknown; raw: string }> {
  if (rule.attack !== undefined) return send(gw, rule.attack);
  const id = `crs-${process.pid}-${++counter}`;
  const raw = await rawRequest(gw.url, [Buffer.from((rule.raw as (id: string) => string)(id), 'latin1')]);
  const res = parseRawResponse(raw);
  const problem = (res.headers['content-type'] ?? '').startsWith('application/problem+json') ? (JSON.parse(res.body) as Record<string, unknown>) : {};
  return { id, status: res.status, rule: problem['rule'], raw };
}

describe('CRS paranoia-1 rules against the shield and php-fpm', () => {
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

  test('each entry is covered with an attack, or says why not; named shield rules exist at level 1', () => {
    for (const rule of CRS_LEVEL_1) {
      if (rule.by === undefined) assert.ok((rule.why ?? '').length > 10, `${rule.crs} says why it is not covered`);
      else assert.ok(rule.attack !== undefined || rule.raw !== undefined, `${rule.crs} has an attack`);
      if (typeof rule.by === 'number') assert.equal(RULES_BY_ID.get(rule.by)?.paranoia, 1, `${rule.crs}: ${rule.by} is a level-1 rule`);
    }
    assert.equal(new Set(CRS_LEVEL_1.map((r) => r.crs)).size, CRS_LEVEL_1.length, 'no CRS id twice');
  });

  for (const rule of CRS_LEVEL_1.filter((r) => r.by !== undefined)) {
    test(`CRS ${rule.crs} (${rule.detects}): blocked before PHP by ${rule.by}`, async () => {
      const r = await attack(gw, rule);
      if (rule.by === 'codec') {
        assert.equal(r.status, 400, r.raw.slice(0, 300));
        assert.equal(r.rule, undefined, 'the codec, not a rule');
      } else {
        const framing = RULES_BY_ID.get(rule.by as number)?.framing === true;
        assert.equal(r.status, framing ? 400 : 403, r.raw.slice(0, 300));
        assert.equal(r.rule, rule.by, `blocked by ${String(r.rule)}`);
      }
      assert.ok(!site.reachedPhp(r.id), 'stopped before PHP');
      assert.ok(!r.raw.includes(SECRET) && !r.raw.includes('ECHO:'), 'nothing leaked');
    });
  }

  test('docs/shield.md lists every CRS id with what covers it', async () => {
    const docs = await readFile(new URL('../../../docs/shield.md', import.meta.url), 'utf8');
    for (const rule of CRS_LEVEL_1) {
      const row = docs.split('\n').find((line) => line.startsWith(`| CRS ${rule.crs} |`));
      assert.ok(row !== undefined, `no row for CRS ${rule.crs}`);
      const by = rule.by === undefined ? 'not covered' : String(rule.by);
      assert.ok(row.includes(by), `the row for ${rule.crs} names ${by}: ${row}`);
    }
  });
});
