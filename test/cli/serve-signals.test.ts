/**
 * Signals on a real `switchyard serve` process under bad conditions an operator meets: a config
 * file caught half-written by a SIGHUP (an editor or a copy still writing it) is refused and the
 * old config keeps serving, in one process and with workers; SIGTERM with slow requests in flight
 * lets them finish, refuses new connections meanwhile and exits 0; a request that outlasts
 * timeouts.shutdown is cut when the grace ends and the process still exits 0; a Kubernetes
 * ConfigMap update (the kubelet swaps a `..data` symlink) followed by SIGHUP under traffic.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { httpRequest, type HttpResult } from '../helpers/http-request.js';
import { until } from '../helpers/until.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

interface Serve {
  readonly child: ChildProcess;
  readonly port: number;
  readonly logs: Record<string, unknown>[];
  waitFor(msg: string, after?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

async function serve(dir: string, workers: number): Promise<Serve> {
  const child = spawn(process.execPath, [BIN, 'serve', '--workers', String(workers)], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stderr! }).on('line', (line) => {
    // A crash prints a stack, not JSON: kept as a message so the failure shows it.
    logs.push(line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { msg: line });
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  /** The first line with this message at or after index `after` of the log. */
  const waitFor = (msg: string, after = 0) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = logs.slice(after).find((l) => l['msg'] === msg && (workers === 1 || l['pid'] === child.pid));
        if (found === undefined) return;
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      void exited.then(() => reject(new Error(`serve exited before logging "${msg}": ${JSON.stringify(logs)}`)));
      check();
    });
  const started = await waitFor('switchyard listening');
  return { child, port: Number(new URL((started['listen'] as string[])[0] as string).port), logs, waitFor, exited };
}

describe('serve under signals', () => {
  let service: Server;
  let svc: string;
  let dir: string;
  const held: ServerResponse[] = [];
  let heldChanged: () => void = () => {};

  before(async () => {
    service = createServer((req, res) => {
      if (req.url?.startsWith('/slow') === true) {
        held.push(res);
        heldChanged();
        return;
      }
      res.end(`svc ${req.url}`);
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    svc = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'sy-signals-'));
  });

  after(async () => {
    for (const res of held) res.destroy();
    service.closeAllConnections();
    await new Promise((resolve) => service.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const yaml = (routes: string[], shutdown = '10s') =>
    `listen: 127.0.0.1:0\naccessLog: off\ntimeouts: { shutdown: ${shutdown} }\nupstreams:\n  svc: { type: http, endpoints: [${svc}] }\nroutes:\n${routes.map((r) => `  - get: ${r}\n    to: svc\n`).join('')}`;

  for (const workers of [1, 2]) {
    it(`a half-written config on SIGHUP is refused and the old one keeps serving (--workers ${workers})`, async () => {
      const file = join(dir, 'switchyard.yaml');
      await writeFile(file, yaml(['/a']));
      const gw = await serve(dir, workers);
      try {
        assert.equal((await httpRequest(gw.port, '/a')).text, 'svc /a');
        // The new config cut off mid-way, as a copy still writing it leaves it: `- get: /b` with no `to:`.
        const next = yaml(['/a', '/b']);
        await writeFile(file, next.slice(0, next.lastIndexOf('    to: svc')));
        const mark = gw.logs.length;
        gw.child.kill('SIGHUP');
        const rejected = await gw.waitFor('reload rejected, keeping the running configuration', mark);
        assert.ok(JSON.stringify(rejected).includes('switchyard.yaml'), 'the problems name the file');
        assert.equal((await httpRequest(gw.port, '/a')).text, 'svc /a', 'the old config serves');
        assert.equal((await httpRequest(gw.port, '/b')).status, 404);
        // Garbage, not YAML at all (a file caught at its first bytes), is refused too.
        await writeFile(file, 'listen: 127.0.0.1:0\nupstreams: { svc: { type: ht');
        const mark2 = gw.logs.length;
        gw.child.kill('SIGHUP');
        await gw.waitFor('reload rejected, keeping the running configuration', mark2);
        assert.equal((await httpRequest(gw.port, '/a')).text, 'svc /a');
        // Once the file is whole, the next SIGHUP applies it.
        await writeFile(file, next);
        const mark3 = gw.logs.length;
        gw.child.kill('SIGHUP');
        await gw.waitFor('configuration reloaded', mark3);
        assert.equal((await httpRequest(gw.port, '/b')).text, 'svc /b');
      } finally {
        gw.child.kill('SIGTERM');
        assert.equal(await gw.exited, 0);
      }
    });
  }

  it('a ConfigMap update mid-traffic: the ..data symlink swapped as the kubelet does, SIGHUP, no request lost', async () => {
    // The kubelet's layout: switchyard.yaml -> ..data/switchyard.yaml, ..data -> ..<timestamp>/.
    const mounted = join(dir, 'configmap');
    const version = async (name: string, text: string) => {
      await mkdir(join(mounted, name), { recursive: true });
      await writeFile(join(mounted, name, 'switchyard.yaml'), text);
      await symlink(name, join(mounted, '..data_tmp'));
      await rename(join(mounted, '..data_tmp'), join(mounted, '..data')); // atomic, as the kubelet swaps it
    };
    await version('..v1', yaml(['/a']));
    await symlink('..data/switchyard.yaml', join(mounted, 'switchyard.yaml'));
    const gw = await serve(mounted, 2);
    let running = true;
    const statuses: number[] = [];
    const client = async () => {
      while (running) statuses.push((await httpRequest(gw.port, '/a')).status);
    };
    const clients = [client(), client(), client(), client()];
    try {
      await until(() => statuses.length >= 20, 10_000);
      await version('..v2', yaml(['/a', '/b']));
      const mark = gw.logs.length;
      gw.child.kill('SIGHUP');
      await gw.waitFor('configuration reloaded', mark);
      assert.equal((await httpRequest(gw.port, '/b')).text, 'svc /b');
      // A bad update is refused and the traffic goes on.
      await version('..v3', 'listen: 127.0.0.1:0\nroutes: [{ get: /a, to: nowhere }]\n');
      const mark2 = gw.logs.length;
      gw.child.kill('SIGHUP');
      await gw.waitFor('reload rejected, keeping the running configuration', mark2);
      const seen = statuses.length;
      await until(() => statuses.length >= seen + 20, 10_000);
      assert.equal((await httpRequest(gw.port, '/b')).text, 'svc /b');
    } finally {
      running = false;
      await Promise.all(clients);
      gw.child.kill('SIGTERM');
      assert.equal(await gw.exited, 0);
    }
    assert.ok(statuses.length >= 40);
    assert.deepEqual([...new Set(statuses)], [200], 'every request during the updates was answered 200');
  });

  it('SIGTERM with slow requests in flight: they finish, new connections are refused, exit 0', async () => {
    await writeFile(join(dir, 'switchyard.yaml'), yaml(['/slow/{n}', '/a']));
    const gw = await serve(dir, 1);
    held.length = 0;
    const allHeld = new Promise<void>((resolve) => (heldChanged = () => held.length === 3 && resolve()));
    const inFlight: Promise<HttpResult>[] = [1, 2, 3].map((n) => httpRequest(gw.port, `/slow/${n}`));
    await allHeld;
    gw.child.kill('SIGTERM');
    // The listener closes at once: a new connection is refused while the three run.
    assert.ok(
      await until(
        () =>
          new Promise<boolean>((resolve) => {
            const socket = connect(gw.port, '127.0.0.1');
            socket.once('connect', () => {
              socket.destroy();
              resolve(false);
            });
            socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
          }),
        5_000,
      ),
      'new connections are refused',
    );
    assert.equal(gw.child.exitCode, null, 'still running while requests are in flight');
    for (const res of held.splice(0)) res.end('finished');
    const answers = await Promise.all(inFlight);
    assert.deepEqual(answers.map((a) => [a.status, a.text]), [[200, 'finished'], [200, 'finished'], [200, 'finished']]);
    assert.equal(await gw.exited, 0);
  });

  it('SIGTERM with a request that outlasts timeouts.shutdown: cut when the grace ends, exit 0', async () => {
    await writeFile(join(dir, 'switchyard.yaml'), yaml(['/slow/{n}'], '1s'));
    const gw = await serve(dir, 1);
    held.length = 0;
    const arrived = new Promise<void>((resolve) => (heldChanged = () => resolve()));
    const stuck = httpRequest(gw.port, '/slow/forever').then(
      (r) => r.status,
      () => 'cut',
    );
    await arrived;
    gw.child.kill('SIGTERM');
    assert.equal(await gw.exited, 0);
    assert.notEqual(await stuck, 200, 'the stuck request did not get a normal answer');
  });
});
