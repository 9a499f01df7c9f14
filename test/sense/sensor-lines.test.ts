// The sensor as a whole against output bpftrace could produce on a bad day: garbled and cut
// lines among events. They are counted and skipped; the events around them reach a real
// gateway. The bpftrace here is a stand-in script printing fixed lines, since no kernel prints
// garbage on request; the real one is in sense-exec.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { Sensor } from '../../src/sense/sensor.js';
import type { SenseEvent } from '../../src/sense/event.js';

let gw: TestGateway;
let fake: string;

const T = '\t';
const LINES = [
  'Attaching 2 probes...',
  `SY1${T}ready`,
  'garbage that is no event',
  `SY1${T}tcp${T}12${T}node\\x00${T}4${T}40000`,
  `SY1${T}tcp${T}12${T}node\\x00${T}4${T}40000${T}8081${T}127.0.0.1${T}127.0.0.1${T}2${T}1`,
  `SY1${T}retrans${T}0${T}swapper/0${T}4${T}40000${T}8081${T}127.0.0.1${T}127.0.0.1${T}99`,
  `SY1${T}retrans${T}0${T}swapper/0${T}4${T}40000${T}8081${T}127.0.0.1${T}127.0.0.1${T}1`,
];

before(async () => {
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
sense: {}
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:8081] }
routes:
  - get: /
    to: svc
`);
  fake = join(gw.dir, 'bpftrace');
  await writeFile(fake, `#!${process.execPath}\n${LINES.map((l) => `console.log(${JSON.stringify(l)});`).join('\n')}\nprocess.on('SIGINT', () => process.exit(0));\nsetInterval(() => {}, 1000);\n`);
  await chmod(fake, 0o755);
});
after(async () => {
  await gw.stop();
});

test('malformed lines are counted and skipped; the events among them reach the gateway', async () => {
  const events: SenseEvent[] = [];
  const notices: string[] = [];
  let got: () => void = () => {};
  const both = new Promise<void>((resolve) => (got = resolve));
  const url = new URL(gw.running.adminUrl as string);
  const sensor = new Sensor({
    bpftrace: fake,
    targets: { admin: { url: url.origin }, token: undefined, ports: [8081], pools: [], kill: false },
    onEvent: (e) => {
      events.push(e);
      if (events.length === 2) got();
    },
    onNotice: (line) => notices.push(line),
  });
  const { attached, done } = sensor.start();
  assert.equal(await attached, 1);
  await Promise.race([both, new Promise((_, reject) => setTimeout(() => reject(new Error(`events: ${JSON.stringify(events)}; notices: ${notices.join(' | ')}`)), 10_000))]);
  sensor.stop();
  await done;
  assert.equal(sensor.malformed, 3);
  assert.deepEqual(events.map((e) => `${e.kind} ${e.port} ${e.from}->${e.to}`), ['tcp-state 8081 SYN_SENT->ESTABLISHED', 'retransmit 8081 ESTABLISHED->null']);
  assert.equal(notices.filter((n) => n.startsWith('skipping a line')).length, 1, notices.join('\n'));
  const listed = (await (await fetch(`${url.origin}/admin/sense`)).json()) as { events: SenseEvent[] };
  assert.equal(listed.events.length, 2);
});
