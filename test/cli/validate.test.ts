// `switchyard validate` as a user runs it: exit codes, one line per problem with file:line:col.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/run-cli.js';

async function configFile(text: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-validate-'));
  await writeFile(join(dir, 'switchyard.yaml'), text);
  return { dir, file: join(dir, 'switchyard.yaml') };
}

test('a good config: exit 0 and a summary', async () => {
  const { dir } = await configFile(`upstreams:
  legacy: { type: fastcgi, address: unix:/run/php/php8.2-fpm.sock, root: /srv/app/public }
routes:
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
    static: true
`);
  const r = await runCliCaptured(['validate'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'switchyard.yaml: ok (1 routes, 1 upstreams)\n');
});

test('every problem on its own line with position, then a count; exit 1', async () => {
  const { dir } = await configFile(`listen: 127.0.0.1:8080
upstreams:
  legacy: { type: fastcgi, address: unix:/run/php.sock, root: /srv, maxConections: 4 }
middleware:
  cors: { type: cors, origins: ['*'], credentials: true }
routes:
  - get: /user/{id}
    where: { id: '[' }
    to: legacy
`);
  let r = await runCliCaptured(['validate', '-c', 'switchyard.yaml'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.deepEqual(r.stderr.trim().split('\n'), [
    "switchyard.yaml:3:69: upstreams.legacy.maxConections: unknown key 'maxConections' (did you mean 'maxConnections'?)",
    'switchyard.yaml: 1 problem',
  ]);
  await writeFile(join(dir, 'switchyard.yaml'), (await import('node:fs')).readFileSync(join(dir, 'switchyard.yaml'), 'utf8').replace(', maxConections: 4', ''));
  r = await runCliCaptured(['validate'], { cwd: dir });
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 3, r.stderr);
  assert.match(lines[0] ?? '', /^switchyard\.yaml:5:\d+: middleware\.cors\.origins: '\*' cannot be combined with credentials/);
  assert.match(lines[1] ?? '', /^switchyard\.yaml:7:\d+: routes\[0\]: .*\[/);
  assert.equal(lines[2], 'switchyard.yaml: 2 problems');
});

test('a missing config file is one line, exit 1, no stack trace', async () => {
  const r = await runCliCaptured(['validate', '-c', 'nope.yaml'], { cwd: tmpdir() });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^switchyard: cannot read config .*nope\.yaml: no such file \(SY_ERR_FILE_NOT_FOUND\)\n$/);
});

test('an unknown flag is one line and exit 1', async () => {
  const r = await runCliCaptured(['validate', '--bogus']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "switchyard: unknown option '--bogus'\n");
});

// Regression: a misspelt key hid an unknown upstream until the key was fixed and the command run
// again; the schema's problems and the names' problems now come in one run, from each command
// that loads a config.
for (const argv of [['validate'], ['serve', '--workers', '1'], ['serve', '--workers', '2']]) {
  test(`${argv.join(' ')}: a misspelt key and an unknown upstream in one run, each with its position`, async () => {
    const { dir } = await configFile(`listen: 127.0.0.1:0
upstreams:
  legacy: { type: fastcgi, address: unix:/run/php.sock, root: /srv, maxConections: 4 }
routes:
  - get: /
    to: legasy
`);
    const r = await runCliCaptured(argv, { cwd: dir });
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    const [key, upstream] = argv[0] === 'validate' ? lines : lines.map((l) => l.replace(/^switchyard: \S*\/(?=switchyard\.yaml)/, '').replace(/ \(SY_ERR_\w+\)$/, ''));
    assert.equal(key, "switchyard.yaml:3:69: upstreams.legacy.maxConections: unknown key 'maxConections' (did you mean 'maxConnections'?)");
    assert.equal(upstream, "switchyard.yaml:6:9: routes[0].to: unknown upstream 'legasy' (did you mean 'legacy'?)");
    if (argv[0] === 'validate') assert.equal(lines[2], 'switchyard.yaml: 2 problems');
  });
}

test('an admin host that does not resolve: its position and exit 1', async () => {
  const { dir } = await configFile(`admin:
  listen: 127.0.0.1.invalid:9901
routes: []
`);
  const r = await runCliCaptured(['validate'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^switchyard\.yaml:2:11: admin\.listen: cannot resolve '127\.0\.0\.1\.invalid': .+\nswitchyard\.yaml: 1 problem\n$/);
});
