// `switchyard serve` where the server being replaced still holds the port: one line naming the
// address, exit 1, in every worker mode and for the admin address too. It used to print a stack
// trace from each worker while the primary started replacements, or hang with the other
// listeners open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

let holder: Server;
let taken: number;
let dir: string;
/** Killed in `after`, so a serve that hangs (the bug) fails its test without outliving the run. */
const children = new Set<ChildProcess>();

before(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  taken = (holder.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), 'sy-in-use-'));
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await new Promise((resolve) => holder.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function serve(config: string, workers: number): Promise<{ code: number | null; stderr: string }> {
  const file = join(dir, `w${workers}-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, `${config}\naccessLog: off\nroutes: []\n`);
  const child = spawn(process.execPath, [BIN, 'serve', '-c', file, '--workers', String(workers)], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  children.delete(child);
  return { code, stderr };
}

const cases = [
  { name: 'listen', config: () => `listen: 127.0.0.1:${taken}` },
  { name: 'the second of two listen addresses', config: () => `listen: [127.0.0.1:0, 127.0.0.1:${taken}]` },
  { name: 'admin.listen', config: () => `listen: 127.0.0.1:0\nadmin: { listen: 127.0.0.1:${taken} }` },
];

for (const workers of [1, 3]) {
  for (const c of cases) {
    test(`serve --workers ${workers}, ${c.name} taken: one line naming the address, exit 1`, { timeout: 30_000 }, async () => {
      const { code, stderr } = await serve(c.config(), workers);
      assert.equal(code, 1);
      // Exactly this line: no stack trace, no "listening", no "worker died, starting another".
      assert.equal(stderr, `switchyard: cannot listen on 127.0.0.1:${taken}: address already in use (SY_ERR_LISTEN_IN_USE)\n`);
    });
  }
}
