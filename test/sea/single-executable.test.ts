/**
 * The single executable (`npm run build:sea`) run as a user runs it, copied into a folder that
 * holds nothing of the package: `--version`, `validate` (the schema's compiled validator is inside), and `serve` with two
 * workers (node:cluster forks the executable itself) answering a request through an HTTP upstream,
 * with the dashboard's files and the built-in protos served from its assets, and a proxy-wasm
 * filter, whose VM thread starts from a worker script the executable carries. Built first when
 * dist/sea is missing or older than the compiled entry (5-25 s on a loaded machine).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, statSync } from 'node:fs';
import { chmod, copyFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpRequest } from '../helpers/http-request.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILT = join(ROOT, 'dist/sea/switchyard');
const ENTRY = join(ROOT, 'dist/src/sea/entry.js');
/** A copy outside the checkout, so that nothing it needs can come from the checkout's node_modules. */
let EXE = BUILT;

async function runExe(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // starts: node (the executable is a copy of node with Switchyard injected)
  return run(EXE, args, { cwd, env: { PATH: process.env['PATH'] ?? '' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

describe('single executable', () => {
  let dir: string;
  let service: Server;
  let gateway: ChildProcess | undefined;

  before(async () => {
    if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < statSync(ENTRY).mtimeMs) {
      await run(process.execPath, [join(ROOT, 'scripts/build-sea.mjs')], { cwd: ROOT, timeout: 240_000 });
    }
    dir = await mkdtemp(join(tmpdir(), 'sy-sea-'));
    EXE = join(dir, 'switchyard');
    await copyFile(BUILT, EXE);
    await chmod(EXE, 0o755);
    service = createServer((req, res) => res.end(`users saw ${req.url}`));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    if (gateway !== undefined && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway?.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => service.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runExe(['--version'], dir);
    assert.equal(result.stdout.trim(), version);
  });

  it('validate checks a config against the schema inside it', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'listen: 127.0.0.1:0\nroutes: []\nlistne: 1\n');
    const bad = await runExe(['validate', '-c', 'bad.yaml'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr + bad.stdout, /bad\.yaml:3:1: .*unknown key 'listne'.*listen/);
    await writeFile(join(dir, 'good.yaml'), `listen: 127.0.0.1:0\nupstreams:\n  users: { type: http, endpoints: [http://127.0.0.1:1] }\nroutes:\n  - get: /u\n    to: users\n`);
    const good = await runExe(['validate', '-c', 'good.yaml'], dir);
    assert.equal(good.code, 0, good.stderr);
  });

  it('serve with two workers answers through an http upstream and serves the dashboard from its assets', async () => {
    await writeFile(join(dir, 'switchyard.yaml'), `
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  users: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}] }
routes:
  - get: /users/{id}
    to: users
`);
    // starts: node (the executable is a copy of node with Switchyard injected)
    const child = spawn(EXE, ['serve', '--workers', '2'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    gateway = child;
    const lines: Record<string, unknown>[] = [];
    let partial = '';
    const listening = new Promise<{ listen: string[]; admin: number }>((resolve, reject) => {
      let admin: number | undefined;
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${JSON.stringify(lines)}`)));
      child.stderr?.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop() ?? '';
        for (const part of parts) {
          const line = JSON.parse(part) as { msg: string; pid: number; admin?: { port: number }; listen?: string[]; workers?: number };
          lines.push(line);
          if (line.msg === 'admin listening' && line.pid === child.pid) admin = line.admin?.port;
          if (line.msg === 'switchyard listening' && line.workers === 2 && line.listen !== undefined && admin !== undefined) resolve({ listen: line.listen, admin });
        }
      });
    });
    const { listen, admin } = await listening;
    const port = Number(new URL(listen[0] as string).port);
    const answer = await httpRequest(port, '/users/7');
    assert.equal(answer.status, 200);
    assert.equal(answer.text, 'users saw /users/7');
    const uplot = await httpRequest(admin, '/dashboard/uplot.js');
    assert.equal(uplot.status, 200);
    assert.deepEqual(uplot.body, await readFile(join(ROOT, 'node_modules/uplot/dist/uPlot.iife.min.js')));
    const script = await httpRequest(admin, '/dashboard/dashboard.js');
    assert.deepEqual(script.body, await readFile(join(ROOT, 'src/admin/dashboard/assets/dashboard.js')));

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'a graceful stop');
  });

  it('compiles a proto that imports the built-in google/api protos from its assets', async () => {
    await cp(join(ROOT, 'test/fixtures/grpc-transcode/library'), join(dir, 'library'), { recursive: true });
    const buf = join(ROOT, 'node_modules/@bufbuild/buf/bin/buf');
    // starts: node (the executable is a copy of node with Switchyard injected)
    const result = await run(EXE, ['contract', 'openapi', '--proto', 'library/v1/library.proto', '-I', 'library'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', SWITCHYARD_BUF: buf } });
    const doc = JSON.parse(result.stdout) as { paths: Record<string, unknown> };
    assert.ok(Object.keys(doc.paths).length > 0, 'the google.api.http annotations were read');
  });

  it('reads a buf.yaml for proto lint (the YAML parser it loads on first use is inside)', async () => {
    const module = join(dir, 'protos');
    await cp(join(ROOT, 'examples/orders-service/protos'), module, { recursive: true });
    const lint = async (use: string) => {
      await writeFile(join(module, 'buf.yaml'), `version: v1\nlint:\n  use: [${use}]\n`);
      // starts: node (the executable is a copy of node with Switchyard injected)
      return run(EXE, ['proto', 'lint', '.'], { cwd: module, env: { PATH: process.env['PATH'] ?? '', SWITCHYARD_BUF: join(ROOT, 'node_modules/@bufbuild/buf/bin/buf') } }).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
    };
    assert.equal((await lint('MINIMAL')).code, 0);
    const unknown = await lint('NO_SUCH_CATEGORY');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /NO_SUCH_CATEGORY.*SY_ERR_PROTO_LINT_CONFIG/);
  });

  it('runs wasm middleware: the VM thread starts from the worker bundle inside it', async () => {
    const wasm = join(dir, 'api-key.wasm');
    await run('wat2wasm', [join(ROOT, 'examples/wasm/api-key.wat'), '-o', wasm]);
    await writeFile(
      join(dir, 'wasm.yaml'),
      `listen: 127.0.0.1:0\naccessLog: off\nupstreams:\n  users: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}] }\nmiddleware:\n  key: { type: wasm, module: ./api-key.wasm, config: s3cret }\nroutes:\n  - get: /users/{id}\n    to: users\n    middleware: [key]\n`,
    );
    // starts: node (the executable is a copy of node with Switchyard injected)
    const child = spawn(EXE, ['serve', '-c', 'wasm.yaml', '--workers', '1'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const listen = await new Promise<string>((resolve, reject) => {
        let text = '';
        void exited.then((code) => reject(new Error(`serve exited with ${code}: ${text}`)));
        child.stderr?.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const line = text.split('\n').find((l) => l.includes('"switchyard listening"'));
          if (line !== undefined) resolve((JSON.parse(line) as { listen: string[] }).listen[0] as string);
        });
      });
      const port = Number(new URL(listen).port);
      assert.equal((await httpRequest(port, '/users/1')).status, 401, 'the filter answers without the key');
      assert.equal((await httpRequest(port, '/users/1', { headers: { 'x-api-key': 's3cret' } })).text, 'users saw /users/1');
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
