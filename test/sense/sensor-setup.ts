/**
 * A real setup for the sensor's tests: php-fpm over the test app with a web shell fixture, an
 * HTTP service on port 0, the gateway in front of both with an admin listener and `sense:`, and
 * `switchyard sense` itself (a child process, as an operator runs it, as root beside the
 * gateway), whose stdout JSON lines are awaited as the events arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPhpApp, type PhpApp } from '../upstream/fastcgi/php-app.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { freePort } from '../helpers/free-port.js';
import type { SenseEvent } from '../../src/sense/event.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

/** Why this machine cannot run the real tests, or false when it can. */
export function cannotSense(): string | false {
  if (process.getuid?.() !== 0) return 'the kernel sensor needs root';
  try {
    accessSync('/usr/bin/bpftrace', constants.X_OK);
  } catch {
    return 'bpftrace is not installed (scripts/system-packages.mjs installs it)';
  }
  return false;
}

/**
 * A web shell: runs a program, then (with ?hold=DIR) keeps its worker busy until DIR/release
 * exists or 10 s pass, as a shell that goes on working would. It prints its worker's pid.
 */
const SHELL = `<?php
exec('/bin/sh -c true');
$dir = $_GET['hold'] ?? null;
for ($i = 0; $dir !== null && $i < 2000 && !file_exists($dir . '/release'); $i++) { usleep(5000); }
echo getmypid();`;

export interface SenseSetup {
  readonly app: PhpApp;
  readonly gw: TestGateway;
  readonly admin: string;
  readonly servicePort: number;
  /** Resolves with the first event the sensor prints that matches, or rejects after `limitMs`. */
  event(match: (e: SenseEvent) => boolean, limitMs?: number): Promise<SenseEvent>;
  /** What the sensor wrote to stderr so far. */
  notices(): string;
  stop(): Promise<void>;
}

/** `serviceUrl`: where the `service` upstream is (default: an HTTP service this setup starts on loopback). */
export async function startSenseSetup(options: { kill: boolean; serviceUrl?: string }): Promise<SenseSetup> {
  const app = await startPhpApp(2);
  await writeFile(join(app.root, 'fixtures', 'shell.php'), SHELL);
  const service: Server = createServer((_req, res) => res.end('service'));
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const serviceUrl = options.serviceUrl ?? `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  const servicePort = Number(new URL(serviceUrl).port);
  const adminPort = await freePort();
  const gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:${adminPort}, token: sense-token }
sense: { exec: { kill: ${options.kill} } }
upstreams:
  legacy: { type: fastcgi, address: 'unix:${app.fpm.socketPath}', root: '${app.root}', scripts: ['fixtures/*.php'], status: /fpm-status, maxConnections: 2 }
  service: { type: http, endpoints: [${serviceUrl}] }
routes:
  - get: /service
    to: service
  - any: /{path}
    where: { path: '.*' }
    to: legacy
`);
  // starts: node
  const sensor: ChildProcess = spawn(process.execPath, [BIN, 'sense', '-c', join(gw.dir, 'switchyard.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: SenseEvent[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: sensor.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    events.push(JSON.parse(line) as SenseEvent);
    for (const w of waiters) w();
  });
  let stderr = '';
  const exited = new Promise<void>((resolve) => sensor.once('exit', () => resolve()));
  const attached = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sensor did not attach within 30 s: ${stderr}`)), 30_000);
    sensor.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/attached \d+ tracepoints/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the sensor exited before attaching: ${stderr}`));
    });
  });
  const stop = async () => {
    sensor.kill('SIGTERM');
    await exited;
    await gw.stop();
    await app.stop();
    await new Promise((resolve) => service.close(resolve));
  };
  try {
    await attached;
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    app,
    gw,
    admin: `http://127.0.0.1:${adminPort}`,
    servicePort,
    event(match, limitMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${limitMs} ms; seen: ${JSON.stringify(events)}; sensor said: ${stderr}`));
        }, limitMs);
        waiters.add(check);
        check();
      });
    },
    notices: () => stderr,
    stop,
  };
}

/** `GET /admin/sense` with the token. */
export async function listed(admin: string): Promise<SenseEvent[]> {
  const res = await fetch(`${admin}/admin/sense`, { headers: { authorization: 'Bearer sense-token' } });
  if (res.status !== 200) throw new Error(`GET /admin/sense answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { events: SenseEvent[] }).events;
}
