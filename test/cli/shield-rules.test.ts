// `switchyard shield rules [-c FILE] [--json]` run as the CLI (the real bin in a child process):
// every rule of the catalogue once with its category and paranoia level, the mode the built-in
// settings or a config's top-level `shield:` gives it, and the routes that change it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CATEGORIES, RULES } from '../../src/shield/catalogue.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

interface Listing {
  rules: { id: number; category: string; paranoia: number; mode: string }[];
  routes: { route: string; enabled: boolean; changed: Record<string, string> }[];
}

async function cli(args: string[], cwd = tmpdir()): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd, env: {} });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function withConfig<T>(yaml: string, run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-shield-rules-'));
  try {
    await writeFile(join(dir, 'switchyard.yaml'), yaml);
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const modes = (listing: Listing) => new Map(listing.rules.map((r) => [r.id, r.mode]));

test('--json lists every rule once with id, category and paranoia; built-in modes block at level 1, paranoia 2 off', async () => {
  const r = await cli(['shield', 'rules', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const listing = JSON.parse(r.stdout) as Listing;
  assert.deepEqual(
    listing.rules.map((x) => [x.id, x.category, x.paranoia]),
    RULES.map((x) => [x.id, x.category, x.paranoia]),
  );
  assert.equal(new Set(listing.rules.map((x) => x.id)).size, listing.rules.length, 'no id twice');
  for (const rule of listing.rules) {
    assert.ok((CATEGORIES as readonly string[]).includes(rule.category), `${rule.id}: ${rule.category}`);
    assert.equal(rule.mode, rule.paranoia === 1 ? 'block' : 'off', `rule ${rule.id}`);
  }
  assert.ok(listing.rules.some((x) => x.id === 933150 && x.paranoia === 2));
  assert.deepEqual(listing.routes, []);
});

test('the text table has one row per rule: id, category, level, mode', async () => {
  const r = await cli(['shield', 'rules']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => /^\d{6} /.test(l) && !l.includes(' codec '));
  assert.equal(rows.length, RULES.length);
  for (const rule of RULES) {
    const row = rows.find((l) => l.startsWith(`${rule.id} `));
    assert.ok(row !== undefined, `a row for ${rule.id}`);
    assert.deepEqual(row.split(/\s+/).slice(0, 4), [String(rule.id), rule.category, String(rule.paranoia), rule.paranoia === 1 ? 'block' : 'off']);
  }
  assert.match(r.stdout, /refused by the HTTP\/1\.1 codec/);
});

const CONFIG = `upstreams:
  app: { type: fastcgi, address: unix:/run/php.sock, root: /srv }
  api: { type: http, endpoints: [http://127.0.0.1:9] }
shield:
  mode: log
  rules:
    933150: block
    193011: off
    object-injection: block
routes:
  - get: /healthz
    to: app
    shield: false
  - any: /api/{path?}
    where: { path: '.*' }
    to: app
    shield: { disable: [933130, traversal] }
  - post: /wp-admin/post.php
    to: app
    name: editor
  - any: /orders
    to: api
`;

test('-c FILE: the top-level mode, an id over its category, a named paranoia-2 rule turned on, and the routes that differ', async () => {
  const listing = await withConfig(CONFIG, async (dir) => {
    const r = await cli(['shield', 'rules', '-c', 'switchyard.yaml', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Listing;
  });
  const mode = modes(listing);
  assert.equal(mode.get(933100), 'log', 'the top-level mode');
  assert.equal(mode.get(933150), 'block', 'a paranoia-2 rule named in rules runs');
  assert.equal(mode.get(193011), 'off');
  assert.equal(mode.get(933170), 'block', 'by its category');
  assert.equal(mode.get(193902), 'block', 'by its category');
  assert.deepEqual(listing.routes.map((x) => x.route).sort(), ['GET /healthz', 'any /api/{path?}'].sort());
  const healthz = listing.routes.find((x) => x.route === 'GET /healthz');
  assert.deepEqual(healthz, { route: 'GET /healthz', enabled: false, changed: {} });
  const api = listing.routes.find((x) => x.route.startsWith('any /api'));
  const changedOff = Object.entries(api?.changed ?? {}).filter(([, m]) => m === 'off').map(([id]) => Number(id)).sort();
  const expected = [933130, ...RULES.filter((x) => x.category === 'traversal' && x.paranoia === 1).map((x) => x.id)].sort(); // level-2 rules are off there already
  assert.deepEqual(changedOff, expected);
  assert.ok(Object.values(api?.changed ?? {}).every((m) => m === 'off'), 'nothing but the disabled rules changes there');
});

test('-c FILE with shield: false: every rule off', async () => {
  const listing = await withConfig(`shield: false\nupstreams:\n  app: { type: fastcgi, address: unix:/run/php.sock, root: /srv }\nroutes:\n  - get: /\n    to: app\n`, async (dir) => {
    const r = await cli(['shield', 'rules', '-c', 'switchyard.yaml', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Listing;
  });
  assert.deepEqual([...new Set(listing.rules.map((x) => x.mode))], ['off']);
});

test('-c FILE with an unknown rule id: the config problem, exit 1', async () => {
  const r = await withConfig(`shield:\n  rules:\n    999999: log\nroutes: []\n`, (dir) => cli(['shield', 'rules', '-c', 'switchyard.yaml'], dir));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /999999/);
  assert.equal(r.stdout, '');
});
