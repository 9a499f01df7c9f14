// An unknown shield rule id or category is a config problem found at load time, not on a request:
// `switchyard validate` prints each on its own line with file:line:col (top-level rules, a route's
// rules and its disable list), a misspelt category with the one meant, and exits 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/run-cli.js';

const CONFIG = `upstreams:
  app: { type: fastcgi, address: unix:/run/php.sock, root: /srv }
shield:
  rules:
    999999: log
    php-injecton: off
    933150: block
routes:
  - get: /a
    to: app
    shield: { disable: [933130, travesal], rules: { 12: block } }
`;

test('each unknown rule id or category: one line with file:line:col, then the count; exit 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sy-shield-names-'));
  try {
    await writeFile(join(dir, 'switchyard.yaml'), CONFIG);
    const r = await runCliCaptured(['validate'], { cwd: dir });
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 5, r.stderr);
    const [topId, topCategory, disabled, routeRule, count] = lines as [string, string, string, string, string];
    assert.match(topId, /^switchyard\.yaml:5:\d+: shield\.rules\.999999: '999999' is neither a shield rule id nor a category[: ]/);
    assert.match(topCategory, /^switchyard\.yaml:6:\d+: shield\.rules\.php-injecton: .*\(did you mean 'php-injection'\?\)/);
    assert.match(disabled, /^switchyard\.yaml:11:33: routes\[0\]\.shield\.disable\[1\]: 'travesal' .*\(did you mean 'traversal'\?\)/);
    assert.match(routeRule, /^switchyard\.yaml:11:\d+: routes\[0\]\.shield\.rules\.12: '12' is neither/);
    assert.equal(count, 'switchyard.yaml: 4 problems');
    for (const line of lines.slice(0, 4)) assert.match(line, /switchyard shield rules/, 'says where the ids are listed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('known ids and categories, a paranoia-2 id among them, are no problem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sy-shield-names-'));
  try {
    await writeFile(
      join(dir, 'switchyard.yaml'),
      CONFIG.replace('    999999: log\n    php-injecton: off\n', '    object-injection: log\n').replace('travesal], rules: { 12: block }', 'traversal], rules: { 193011: off }'),
    );
    const r = await runCliCaptured(['validate'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
