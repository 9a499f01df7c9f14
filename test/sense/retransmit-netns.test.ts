// A real TCP retransmit seen by the kernel sensor: an HTTP service runs in a network namespace
// this test creates, reached over a veth pair. Once the gateway holds a connection to it, the
// namespace's end of the pair goes down: the gateway's end loses its carrier and drops what it is
// given, so the gateway's next request is never acknowledged and the kernel retransmits it;
// `switchyard sense` reports a `retransmit` event on the service's port, listed at /admin/sense.
// (This kernel has no netem, policer or drop action for tc, so a lossy link is made this way.)
// Only the namespace, the veth pair and the addresses on it are the test's own; all are removed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { cannotSense, listed, startSenseSetup, type SenseSetup } from './sensor-setup.js';

const run = promisify(execFile);
const NS = `sy-rt-${process.pid}`;
const HOST_IF = `syrt${process.pid % 100000}a`;
const NS_IF = `syrt${process.pid % 100000}b`;
// A /30 of the private range picked from the pid, on the veth pair only.
const NET = `10.254.${process.pid % 250}`;
const SERVICE_ADDR = `${NET}.2`;
const SERVICE_PORT = 18000 + (process.pid % 1000);

/** `ip` (iproute2) runs here, or why not. */
async function cannotNetns(): Promise<string | false> {
  const root = cannotSense();
  if (root !== false) return root;
  try {
    // starts: ip
    await run('ip', ['netns', 'list']);
    return false;
  } catch (err) {
    return `ip cannot run here (${(err as Error).message.split('\n')[0]})`;
  }
}

const skip = await cannotNetns();

describe('switchyard sense, retransmits over a veth whose far end goes down', { skip }, () => {
  let s: SenseSetup | undefined;
  let service: ChildProcess | undefined;

  before(async () => {
    await run('ip', ['netns', 'add', NS]);
    await run('ip', ['link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF]);
    await run('ip', ['link', 'set', NS_IF, 'netns', NS]);
    await run('ip', ['addr', 'add', `${NET}.1/30`, 'dev', HOST_IF]);
    await run('ip', ['link', 'set', HOST_IF, 'up']);
    await run('ip', ['netns', 'exec', NS, 'ip', 'addr', 'add', `${SERVICE_ADDR}/30`, 'dev', NS_IF]);
    await run('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', NS_IF, 'up']);
    const server = `require('node:http').createServer((req, res) => res.end('service in a namespace'))
      .listen(${SERVICE_PORT}, '${SERVICE_ADDR}', () => console.log('ready'));`;
    service = spawn('ip', ['netns', 'exec', NS, process.execPath, '-e', server], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: service?.stdout as NodeJS.ReadableStream }).once('line', () => resolve());
      service?.once('exit', (code) => reject(new Error(`the service in ${NS} exited (${String(code)})`)));
    });
    s = await startSenseSetup({ kill: false, serviceUrl: `http://${SERVICE_ADDR}:${SERVICE_PORT}` });
  });

  after(async () => {
    await s?.stop();
    if (service !== undefined && service.exitCode === null) {
      const exited = new Promise((resolve) => service?.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
    // Deleting the namespace deletes its end of the pair, and with it the host end and the qdisc.
    await run('ip', ['netns', 'del', NS]).catch(() => undefined);
    await run('ip', ['link', 'del', HOST_IF]).catch(() => undefined);
  });

  test('a request lost on the way to an http upstream is reported as a retransmit event on its port', async () => {
    const setup = s as SenseSetup;
    // A first request over the veth: the gateway now holds a connection to the service.
    const first = await fetch(`${setup.gw.url}/service`);
    assert.equal(await first.text(), 'service in a namespace');
    const seen = setup.event((e) => e.kind === 'retransmit' && e.port === SERVICE_PORT, 20_000);
    await run('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', NS_IF, 'down']);
    // Not acknowledged: the kernel retransmits it (a new connection's SYN would be retransmitted too).
    const lost = fetch(`${setup.gw.url}/service`, { signal: AbortSignal.timeout(30_000) }).then(
      async (res) => res.status,
      () => 0,
    );
    const event = await seen.finally(() => run('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', NS_IF, 'up']));
    assert.equal(event.address, SERVICE_ADDR);
    await lost;
    const events = await listed(setup.admin);
    assert.ok(events.some((e) => e.kind === 'retransmit' && e.port === SERVICE_PORT && e.address === SERVICE_ADDR), JSON.stringify(events.slice(-5)));
  });
});
