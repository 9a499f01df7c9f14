/**
 * PHP scripts that write sessions the way an application does, served by a real php-fpm: the
 * session handler (files in a temp save path, or Redis through phpredis) is set per pool, so the
 * bytes the gateway reads are exactly what PHP wrote.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';

const SCRIPTS: Record<string, string> = {
  // Every type the format has, and strings that would break a naive split on | or quotes.
  'login.php': `<?php
session_start();
$o = new stdClass(); $o->plan = 'pro'; $o->seats = 5;
$_SESSION['user_id'] = (int) ($_GET['id'] ?? 42);
$_SESSION['name'] = "O'Brien \\"the|pipe\\"; x|y:1:{";
$_SESSION['roles'] = ['admin', 'editor'];
$_SESSION['prefs'] = ['theme' => 'dark', 'size' => 3];
$_SESSION['ratio'] = 0.25;
$_SESSION['active'] = true;
$_SESSION['nothing'] = null;
$_SESSION['nested'] = [[1, 2], ['deep' => [true, false]], 7 => 'sparse'];
$_SESSION['account'] = $o;
$_SESSION['unicode'] = 'Zoë ☃';
header('Content-Type: text/plain');
echo session_id();`,
  'anonymous.php': `<?php
session_start();
$_SESSION['cart'] = [1, 2, 3];
echo session_id();`,
  'logout.php': `<?php
session_start();
session_destroy();
echo 'bye';`,
};

export interface SessionPhp {
  readonly root: string;
  readonly sessions: string;
  readonly fpm: PhpFpm;
  stop(): Promise<void>;
}

/** `redisPort`: sessions in Redis (phpredis), else in files under `sessions`; `serializer`: session.serialize_handler. */
export async function startSessionPhp(redisPort?: number, serializer: 'php' | 'php_serialize' = 'php'): Promise<SessionPhp> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-php-session-'));
  const root = join(dir, 'public');
  const sessions = join(dir, 'sessions');
  await mkdir(root);
  await mkdir(sessions);
  for (const [name, text] of Object.entries(SCRIPTS)) await writeFile(join(root, name), text);
  const phpAdmin: Record<string, string> =
    redisPort === undefined
      ? { 'session.save_handler': 'files', 'session.save_path': sessions }
      : { 'session.save_handler': 'redis', 'session.save_path': `"tcp://127.0.0.1:${redisPort}"` };
  const fpm = await startPhpFpm({ root, children: 2, phpAdmin: { ...phpAdmin, 'session.serialize_handler': serializer, 'session.use_strict_mode': '0' } });
  return {
    root,
    sessions,
    fpm,
    async stop() {
      await fpm.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
