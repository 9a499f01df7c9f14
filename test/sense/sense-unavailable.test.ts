// Where the sensor cannot run it says why in one line and exits non-zero, before starting anything.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/run-cli.js';
import { checkMachine } from '../../src/sense/preflight.js';
import { isSwitchyardError } from '../../src/errors.js';

let dir: string;
let config: string;

const YAML = `listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:9901 }
sense: {}
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:8081] }
routes:
  - get: /a
    to: svc
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-sense-'));
  config = join(dir, 'switchyard.yaml');
  await writeFile(config, YAML);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const oneLine = (stderr: string) => stderr.trimEnd().split('\n');

test('without bpftrace on the PATH: one line naming it, exit 1', async () => {
  const res = await runCliCaptured(['sense', '-c', config], { env: { PATH: dir } });
  assert.equal(res.code, 1);
  assert.equal(oneLine(res.stderr).length, 1, res.stderr);
  assert.match(res.stderr, /^switchyard: switchyard sense needs bpftrace, which is not on the PATH .*\(SY_ERR_SENSE_UNAVAILABLE\)\n$/);
  assert.equal(res.stdout, '');
});

test('not root: refused before anything else is looked at', () => {
  assert.throws(
    () => checkMachine({ PATH: '/usr/bin' }, 1000),
    (err: unknown) => isSwitchyardError(err) && err.code === 'SY_ERR_SENSE_UNAVAILABLE' && /must run as root/.test(err.message),
  );
});

for (const [what, yaml, expected] of [
  ['no admin listener', YAML.replace('admin: { listen: 127.0.0.1:9901 }\n', ''), /no admin listener/],
  ['no sense section', YAML.replace('sense: {}\n', ''), /no sense section/],
] as const) {
  test(`a config with ${what}: one line saying what to add, exit 1`, { skip: process.getuid?.() !== 0 && 'the config is read once the machine can run the sensor (root)' }, async () => {
    const file = join(dir, `${what.replaceAll(' ', '-')}.yaml`);
    await writeFile(file, yaml);
    // A PATH with bpftrace: the machine check passes where bpftrace is installed, else it is the one line.
    const res = await runCliCaptured(['sense', '-c', file], { env: { PATH: '/usr/bin:/bin' } });
    assert.equal(res.code, 1);
    assert.equal(oneLine(res.stderr).length, 1, res.stderr);
    assert.match(res.stderr, /bpftrace/.test(res.stderr) ? /bpftrace/ : expected);
  });
}
