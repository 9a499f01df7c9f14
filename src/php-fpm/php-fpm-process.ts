/**
 * Starts a private php-fpm master for the demo and the tests: a generated pool config in a temp
 * dir (`pm = static`, a unix socket beside it, the error log in a file we can read), run in the
 * foreground so its lifetime is ours. Readiness is awaited, not guessed: every write php-fpm
 * makes in the dir (the socket appearing, "ready to handle connections" in the log) wakes a
 * connect attempt, and the first that succeeds means the pool accepts requests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { SwitchyardError } from '../errors.js';
import { findProgram } from '../find-program.js';

export interface PhpFpmOptions {
  /** Document root; also the pool's chdir. */
  readonly root: string;
  /** pm.max_children (pm = static). */
  readonly children: number;
  /** Where the config, socket and logs go; a fresh temp dir when omitted (removed on stop). */
  readonly dir?: string;
  /** pm.status_path, e.g. `/fpm-status`. */
  readonly statusPath?: string;
  /** Log requests slower than this many ms to `<dir>/slow.log`. */
  readonly slowlog?: number;
  /** Extra environment for the workers (clear_env = no passes ours through too). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra `php_admin_value[...]` settings. */
  readonly phpAdmin?: Readonly<Record<string, string>>;
}

export interface PhpFpm {
  readonly socketPath: string;
  readonly dir: string;
  readonly errorLog: string;
  /** The master's pid (changes on restart). */
  readonly pid: number;
  /** The error log so far (worker stderr is caught into it too). */
  readLog(): Promise<string>;
  /** Stops gracefully (SIGQUIT), then removes a temp dir we made. */
  stop(): Promise<void>;
  /**
   * Stops and starts again on the same socket path, as `systemctl restart php-fpm` would,
   * staying down `downMs` in between (an outage of that length).
   */
  restart(downMs?: number): Promise<void>;
}

const INSTALL_HINT = 'php-fpm is not installed; install it with: apt-get install php8.2-fpm';
const START_TIMEOUT_MS = 15_000;

/** Where to look: PATH, then the Debian location in /usr/sbin (not on a non-root user's PATH). */
export function defaultSearchDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
}

/** The php-fpm binary, preferring php-fpm8.2 (the version the project is tested with). */
export function findPhpFpm(dirs: readonly string[] = defaultSearchDirs()): string {
  const found = findProgram(['php-fpm8.2', 'php-fpm'], dirs);
  if (found === undefined) throw new SwitchyardError('SY_ERR_PHP_FPM_MISSING', INSTALL_HINT);
  return found;
}

function poolConfig(opts: PhpFpmOptions, dir: string, socketPath: string, errorLog: string): string {
  const lines = [
    '[global]',
    `pid = ${join(dir, 'php-fpm.pid')}`,
    `error_log = ${errorLog}`,
    'log_level = notice',
    'daemonize = no',
    '',
    '[switchyard]',
    `listen = ${socketPath}`,
    'listen.mode = 0666',
    'pm = static',
    `pm.max_children = ${opts.children}`,
    `chdir = ${opts.root}`,
    'clear_env = no',
    'catch_workers_output = yes',
    'decorate_workers_output = no',
    // PHP errors go to the web server as FastCGI stderr (log_errors without error_log), which
    // the gateway logs with the request id; they never reach the page.
    'php_admin_flag[log_errors] = on',
    'php_flag[display_errors] = off',
    'security.limit_extensions = .php',
  ];
  if (opts.statusPath !== undefined) lines.push(`pm.status_path = ${opts.statusPath}`);
  if (opts.slowlog !== undefined) {
    lines.push(`slowlog = ${join(dir, 'slow.log')}`, `request_slowlog_timeout = ${Math.max(1, Math.round(opts.slowlog / 1000))}s`);
  }
  // Workers run as the invoking user; as root php-fpm insists on a user, so name root with -R.
  if (process.getuid?.() === 0) lines.push('user = root', 'group = root');
  for (const [key, value] of Object.entries(opts.phpAdmin ?? {})) lines.push(`php_admin_value[${key}] = ${value}`);
  return lines.join('\n') + '\n';
}

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path: socketPath });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The first error php-fpm logged (the cause; later lines only say initialisation failed). */
async function firstError(file: string): Promise<string> {
  try {
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    const line = lines.find((l) => /\b(ERROR|ALERT)\b/.test(l)) ?? lines[lines.length - 1] ?? '';
    return line.replace(/^\[[^\]]*\]\s*/, '');
  } catch {
    return '';
  }
}

async function launch(binary: string, opts: PhpFpmOptions, dir: string, confPath: string, socketPath: string, errorLog: string): Promise<ChildProcess> {
  const args = ['-F', '-y', confPath];
  if (process.getuid?.() === 0) args.push('-R');
  // starts: php-fpm8.2 php-fpm (whichever findPhpFpm() found)
  const child = spawn(binary, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let probing = false;
      let again = false;
      const probe = async (): Promise<void> => {
        if (probing) {
          again = true;
          return;
        }
        probing = true;
        do {
          again = false;
          if (existsSync(socketPath) && (await canConnect(socketPath))) {
            resolve();
            return;
          }
        } while (again);
        probing = false;
      };
      watcher = watch(dir, () => void probe());
      child.once('error', (err) => reject(new SwitchyardError('SY_ERR_PHP_FPM_START', `cannot run ${binary}: ${err.message}`, { cause: err })));
      child.once('exit', (code, signal) => {
        void firstError(errorLog).then((last) =>
          reject(new SwitchyardError('SY_ERR_PHP_FPM_START', `php-fpm exited (${signal ?? `code ${code}`}) before accepting connections: ${(last || stderr).trim().slice(0, 300)}`)),
        );
      });
      timer = setTimeout(() => {
        reject(new SwitchyardError('SY_ERR_PHP_FPM_START', `php-fpm did not accept connections on ${socketPath} within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      // The socket may already be there (fast start) before the watcher was armed.
      void probe();
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    watcher?.close();
    clearTimeout(timer);
    child.removeAllListeners('exit');
  }
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // SIGQUIT: graceful stop, in-flight requests finish (php-fpm(8) signals).
    child.kill('SIGQUIT');
  });
}

export async function startPhpFpm(opts: PhpFpmOptions): Promise<PhpFpm> {
  const binary = findPhpFpm();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'switchyard-fpm-')));
  const socketPath = join(dir, 'php-fpm.sock');
  const errorLog = join(dir, 'php-fpm.log');
  const confPath = join(dir, 'php-fpm.conf');
  await writeFile(confPath, poolConfig(opts, dir, socketPath, errorLog));
  let child = await launch(binary, opts, dir, confPath, socketPath, errorLog);
  // php-fpm -F outlives a parent that exits without stopping it (an uncaught error, a test
  // runner's process.exit); take it down with us. SIGTERM, not SIGKILL: the master must live
  // long enough to stop its workers (php-fpm(8): TERM is a quick shutdown of the whole pool).
  // A SIGKILLed parent still leaves it behind.
  const reap = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', reap);
  return {
    socketPath,
    dir,
    errorLog,
    get pid() {
      return child.pid ?? -1;
    },
    readLog: () => readFile(errorLog, 'utf8').catch(() => ''),
    async stop() {
      process.off('exit', reap);
      await stopChild(child);
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
    async restart(downMs = 0) {
      await stopChild(child);
      if (downMs > 0) await delay(downMs);
      child = await launch(binary, opts, dir, confPath, socketPath, errorLog);
    },
  };
}
