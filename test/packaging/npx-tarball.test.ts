/**
 * The npm package as a user gets it: `npm pack` of this checkout, unpacked into an empty folder's
 * node_modules, its bin linked by npm, then `npx switchyard` run from that folder: --version,
 * validate (the schema shipped), serve answering a request (the dashboard's files shipped) and a
 * proto compiled against the built-in google/api protos (shipped in src/proto/include).
 *
 * Offline and quick (a few seconds): the package's dependencies are not fetched again but linked
 * from this checkout's node_modules, which `npm install` filled (installing them from the
 * registry takes ~30 s and needs the network; what that install prints is in CHANGELOG.md).
 * Every runtime dependency the packed package.json names must be there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpRequest } from '../helpers/http-request.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('npx switchyard from the packed tarball', () => {
  let dir: string;
  let app: string;
  let service: Server;
  let files: string[];
  let installScripts: string[];
  const env = () => ({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? dir, npm_config_update_notifier: 'false', npm_config_fund: 'false' });
  const npx = (args: string[]) => run('npx', ['--offline', 'switchyard', ...args], { cwd: app, env: env(), timeout: 60_000 });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sy-pack-'));
    app = join(dir, 'app');
    // dist/ is built by `npm test`'s pretest; --ignore-scripts skips prepack's second build.
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, env: { ...env(), npm_config_loglevel: 'error' }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(packed);
    files = packed.files.map((f) => f.path);
    const target = join(app, 'node_modules/switchyard');
    await mkdir(target, { recursive: true });
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    await run('tar', ['xzf', join(dir, packed.filename), '-C', target, '--strip-components=1']);
    const manifest = JSON.parse(await readFile(join(target, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    installScripts = ['preinstall', 'install', 'postinstall', 'prepare'].filter((name) => manifest.scripts[name] !== undefined);
    for (const dep of Object.keys(manifest.dependencies)) {
      await mkdir(dirname(join(app, 'node_modules', dep)), { recursive: true });
      await symlink(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
    }
    // npm links the package's bin into node_modules/.bin, as an install does.
    await run('npm', ['rebuild', '--offline', '--ignore-scripts', 'switchyard'], { cwd: app, env: env(), timeout: 60_000 });
    service = createServer((req, res) => res.end(`users saw ${req.url}`));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await new Promise((resolve) => service?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('ships what the package reads at run time and nothing from the tests or benchmarks', () => {
    for (const file of ['package.json', 'CHANGELOG.md', 'README.md', 'schema/switchyard.schema.json', 'src/admin/dashboard/assets/index.html', 'src/admin/dashboard/assets/dashboard.js', 'src/proto/include/google/api/annotations.proto', 'examples/legacy-php/public/index.php', 'dist/src/cli/bin.js', 'dist/src/runtime/resources.js', 'deploy/systemd/switchyard.service', 'deploy/grafana/switchyard-dashboard.json']) {
      assert.ok(files.includes(file), `${file} is in the tarball`);
    }
    assert.deepEqual(files.filter((f) => /^(dist\/)?(test|bench)\//.test(f)), []);
  });

  it('runs no script of its own on install (npm would ask users to approve it)', () => {
    assert.deepEqual(installScripts, []);
  });

  it('--version', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal((await npx(['--version'])).stdout.trim(), version);
  });

  it('validate reads the shipped schema', async () => {
    await writeFile(join(app, 'bad.yaml'), 'listen: 127.0.0.1:0\nroutes: []\nlistne: 1\n');
    const bad = await npx(['validate', '-c', 'bad.yaml']).then(
      () => assert.fail('validate accepted an unknown key'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.yaml:3:1: .*unknown key 'listne'/);
  });

  it('serve answers through an http upstream and serves the dashboard script', async () => {
    await writeFile(join(app, 'switchyard.yaml'), `listen: 127.0.0.1:0\naccessLog: off\nadmin: { listen: 127.0.0.1:0 }\nupstreams:\n  users: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}] }\nroutes:\n  - get: /users/{id}\n    to: users\n`);
    // Its own process group: npx starts the gateway as its child, and both get the SIGTERM.
    const child = spawn('npx', ['--offline', 'switchyard', 'serve', '--workers', '1'], { cwd: app, env: env(), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const urls = await new Promise<{ listen: string; admin: string }>((resolve, reject) => {
        let text = '';
        let admin: string | undefined;
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${text}`)));
        child.stderr?.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          let listen: string | undefined;
          for (const line of text.split('\n').filter((l) => l.startsWith('{') && l.endsWith('}'))) {
            const entry = JSON.parse(line) as { msg: string; admin?: string; listen?: string[] };
            if (entry.msg === 'admin listening' && typeof entry.admin === 'string') admin = entry.admin;
            if (entry.msg === 'switchyard listening') listen = entry.listen?.[0];
          }
          if (listen !== undefined && admin !== undefined) resolve({ listen, admin });
        });
      });
      const answer = await httpRequest(Number(new URL(urls.listen).port), '/users/3');
      assert.equal(answer.text, 'users saw /users/3');
      const script = await httpRequest(Number(new URL(urls.admin).port), '/dashboard/dashboard.js');
      assert.equal(script.status, 200);
      assert.deepEqual(script.body, await readFile(join(ROOT, 'src/admin/dashboard/assets/dashboard.js')));
    } finally {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });

  it('compiles a proto against the shipped google/api protos', async () => {
    await cp(join(ROOT, 'test/fixtures/grpc-transcode/library'), join(app, 'library'), { recursive: true });
    const { stdout } = await npx(['contract', 'openapi', '--proto', 'library/v1/library.proto', '-I', 'library']);
    assert.ok(Object.keys((JSON.parse(stdout) as { paths: Record<string, unknown> }).paths).length > 0);
  });
});
