/**
 * Test fixture: a private copy of examples/legacy-php (so uploads never touch the repo) plus a
 * few test-only scripts in public/fixtures/, served by a php-fpm started with our launcher.
 */
import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastcgiUpstreamConfig } from '../../../src/config/types.js';
import { startPhpFpm, type PhpFpm } from '../../../src/php-fpm/php-fpm-process.js';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/legacy-php');

/** Scripts only the tests need; each is reachable because the tests allowlist fixtures/*.php. */
export const FIXTURES: Record<string, string> = {
  // Flushes a first line, then waits until the test creates the gate file: the last line can
  // only be produced after the client has seen the first (proves streaming without timing).
  'gate.php': `<?php
header('Content-Type: text/plain');
header('X-Accel-Buffering: no');
while (ob_get_level() > 0) { ob_end_flush(); }
echo "first\\n"; flush();
$gate = sys_get_temp_dir() . '/' . basename($_GET['gate'] ?? 'none');
for ($i = 0; $i < 1000 && !file_exists($gate); $i++) { usleep(10000); }
echo file_exists($gate) ? "gate seen\\n" : "gate timeout\\n";`,
  // Holds its php-fpm child until the release file exists, announcing itself in a file first.
  'hold.php': `<?php
$dir = $_GET['dir'] ?? '/nonexistent';
file_put_contents($dir . '/started-' . getmypid() . '-' . uniqid(), (string) getmypid());
for ($i = 0; $i < 2000 && !file_exists($dir . '/release'); $i++) { usleep(5000); }
echo "held ", getmypid();`,
  // Sends part of a response, then the worker dies (as a segfault or OOM kill would).
  'die.php': `<?php
while (ob_get_level() > 0) { ob_end_flush(); }
echo str_repeat("partial ", 10); flush();
posix_kill(getmypid(), 9);`,
  'pid.php': `<?php echo getmypid();`,
  // A response far larger than the gateway's buffer: it must stream, whole and in order.
  'big.php': `<?php header('Content-Type: text/plain'); for ($i = 0; $i < 20000; $i++) { printf("%07d %s\\n", $i, str_repeat('x', 40)); }`,
  // The example app's /server dump, reachable as a script of its own (for PATH_INFO cases).
  'server.php': `<?php require __DIR__ . '/../../src/pages.php'; page_server();`,
  'echo-ini.php': `<?php header('Content-Type: application/json');
echo json_encode(['auto_prepend_file' => ini_get('auto_prepend_file'), 'allow_url_include' => ini_get('allow_url_include')]);`,
};

export interface PhpApp {
  readonly dir: string;
  /** The copy's public/ dir: the document root. */
  readonly root: string;
  readonly fpm: PhpFpm;
  config(overrides?: Partial<FastcgiUpstreamConfig>): FastcgiUpstreamConfig;
  stop(): Promise<void>;
}

export async function startPhpApp(children = 4): Promise<PhpApp> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-app-'));
  await cp(EXAMPLE, dir, { recursive: true });
  const root = join(dir, 'public');
  await mkdir(join(root, 'fixtures'), { recursive: true });
  for (const [name, source] of Object.entries(FIXTURES)) await writeFile(join(root, 'fixtures', name), source);
  const fpm = await startPhpFpm({ root, children, statusPath: '/fpm-status' });
  return {
    dir,
    root,
    fpm,
    config: (overrides = {}) => fastcgiConfig({ address: { kind: 'unix', path: fpm.socketPath }, root, maxConnections: children, ...overrides }),
    async stop() {
      await fpm.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function fastcgiConfig(overrides: Partial<FastcgiUpstreamConfig> = {}): FastcgiUpstreamConfig {
  return {
    type: 'fastcgi',
    name: 'legacy',
    address: { kind: 'unix', path: '/nonexistent/php-fpm.sock' },
    root: '/nonexistent',
    index: 'index.php',
    scripts: ['index.php', 'fixtures/*.php'],
    maxConnections: 4,
    queue: { max: 64, timeout: 10_000 },
    keepAlive: { idle: 1_000 },
    connectTimeout: 2_000,
    readTimeout: 20_000,
    spoolMemory: 1024,
    status: undefined,
    params: {},
    ...overrides,
  };
}
