/**
 * Runs the real `buf` side by side with Switchyard on the same module, for the agreement tests.
 * buf has no built-in google/api, so the module and Switchyard's include directory are handed to
 * it as two modules of a temporary workspace, the same way the loader compiles them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { bufBinary } from '../../../src/proto/buf-binary.js';
import { builtinIncludeDir } from '../../../src/proto/include-dir.js';
import { findProtoFiles } from '../../../src/proto/find-protos.js';
import { runCliCaptured } from '../../helpers/run-cli.js';

const run = promisify(execFile);

export interface BufFinding {
  readonly path: string;
  readonly start_line: number;
  readonly start_column: number;
  readonly type: string;
  readonly message: string;
}

/**
 * A workspace dir holding `<name>` symlinks to each given module plus the include module;
 * `config` is appended to its buf.yaml (e.g. a `lint:` section).
 */
export async function bufWorkspace(modules: Record<string, string>, config = ''): Promise<{ dir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bufref-'));
  const names = Object.keys(modules);
  for (const [name, path] of Object.entries(modules)) await symlink(resolve(path), join(dir, name), 'dir');
  const include = builtinIncludeDir();
  for (const file of await findProtoFiles(include)) {
    const target = join(dir, 'include', file);
    await mkdir(dirname(target), { recursive: true });
    await symlink(join(include, file), target);
  }
  await writeFile(join(dir, 'buf.yaml'), `version: v2\nmodules:\n${[...names, 'include'].map((m) => `  - path: ${m}\n`).join('')}${config}`);
  return { dir, close: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs buf with `--error-format json` and returns its findings (exit 100 is "findings exist"). */
export async function runBuf(args: readonly string[], cwd: string): Promise<BufFinding[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(bufBinary(), [...args, '--error-format', 'json'], { cwd, maxBuffer: 1 << 28 }));
  } catch (err) {
    const failure = err as { code?: number; stdout?: string; stderr?: string };
    if (failure.code !== 100) throw new Error(`buf ${args.join(' ')} failed: ${failure.stderr ?? String(err)}`);
    stdout = failure.stdout ?? '';
  }
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as BufFinding);
}

/** `RULE path:line` keys, the unit of agreement between the two tools. */
export function keys(findings: readonly { type?: string; rule?: string; path: string; line: number }[]): string[] {
  return [...new Set(findings.map((f) => `${f.type ?? f.rule} ${f.path}:${f.line}`))].sort();
}

/** One finding as both tools print it in JSON, reduced to what must agree. */
export type FindingKey = string;

/**
 * Runs `buf lint` and `switchyard proto lint` on the same directory (relative to `cwd`) and
 * returns each tool's findings as sorted `RULE path:line:col` keys, duplicates kept: buf reports
 * some rules several times at one position, and the count must agree too.
 */
export async function lintBoth(cwd: string, args: readonly string[] = ['.']): Promise<{ buf: FindingKey[]; ours: FindingKey[] }> {
  const key = (f: { type: string; path?: string; start_line: number; start_column: number }): FindingKey => `${f.type} ${f.path ?? '<input>'}:${f.start_line}:${f.start_column}`;
  const [theirs, ours] = await Promise.all([runBuf(['lint', ...args], cwd), runCliCaptured(['proto', 'lint', ...args, '--error-format', 'json'], { cwd })]);
  if (ours.code !== 0 && ours.code !== 100) throw new Error(`switchyard proto lint exited ${ours.code}: ${ours.stderr}`);
  const mine = ours.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BufFinding);
  return { buf: theirs.map(key).sort(), ours: mine.map(key).sort() };
}

/** buf's exit code and stdout as printed, for comparing output shapes byte for byte. */
export async function bufOutput(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(bufBinary(), [...args], { cwd, maxBuffer: 1 << 28 });
    return { code: 0, stdout };
  } catch (err) {
    const failure = err as { code?: number; stdout?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '' };
  }
}
