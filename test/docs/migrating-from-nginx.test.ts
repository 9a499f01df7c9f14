// docs/migrating-from-nginx.md: every YAML block is a whole switchyard.yaml that
// `switchyard validate` accepts (a stub htpasswd file beside it), and the guide covers each
// nginx directive it promises, beside a Switchyard block.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { runCliCaptured } from '../helpers/run-cli.js';

const guide = readFileSync(new URL('../../../docs/migrating-from-nginx.md', import.meta.url), 'utf8');
const blocks = [...guide.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-nginx-guide-'));
  await writeFile(join(dir, 'staff.htpasswd'), `alice:${bcrypt.hashSync('wonderland', 4)}\n`);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('the guide has its YAML blocks', () => {
  assert.ok(blocks.length >= 6, `found ${blocks.length}`);
});

blocks.forEach((yaml, i) => {
  const first = yaml.split('\n').find((l) => l.trim() !== '') ?? '';
  test(`YAML block ${i + 1} (${first.trim()}) passes switchyard validate`, async () => {
    const file = join(dir, `block-${i + 1}.yaml`);
    await writeFile(file, yaml);
    const res = await runCliCaptured(['validate', '-c', file], { cwd: dir });
    assert.equal(res.code, 0, `${res.stderr}\n${yaml}`);
    assert.match(res.stdout, /: ok \(/);
  });
});

test('every directive the guide is for is named in it', () => {
  const directives = ['fastcgi_pass', 'try_files', 'fastcgi_split_path_info', 'location =', 'location ~', 'limit_req', 'proxy_pass', 'keepalive', 'X-Accel-Redirect', 'X-Accel-Buffering', 'client_max_body_size', 'fastcgi_read_timeout', 'allow', 'deny', 'auth_basic'];
  assert.deepEqual(directives.filter((d) => !guide.includes(`\`${d}`)), []);
});
