/**
 * Resolves `--against`: a directory, a descriptor set (`.binpb`/`.pb`), or a git reference read
 * from the repository around the working directory (`main`, `HEAD~1`, a tag, or buf's
 * `.git#branch=main,subdir=proto` form). A reference is exported with `git archive` into a
 * temporary directory, so the working tree and the index are never touched.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { isSwitchyardError, SwitchyardError } from '../../errors.js';
import { emptyImage, isImagePath, loadProtoInput, type LoadOptions, type ProtoImage } from '../../proto/load.js';
import { toPosix } from '../../proto/posix-path.js';

const run = promisify(execFile);

export interface GitRef {
  readonly repo: string;
  readonly ref: string;
  /** Module directory inside the repository; undefined means "the same place as the input". */
  readonly subdir: string | undefined;
}

/** Parses buf's git input syntax: `<path>.git#branch=X|tag=X|ref=X[,subdir=Y]`. */
export function parseBufGitInput(value: string): GitRef | undefined {
  const match = /^(.*\.git)#(.+)$/.exec(value);
  if (match === null) return undefined;
  const params = new Map((match[2] as string).split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const ref = params.get('ref') ?? params.get('branch') ?? params.get('tag');
  if (ref === undefined || ref === '') throw new SwitchyardError('SY_ERR_CLI_USAGE', `--against ${value} names no branch, tag or ref`);
  const gitDir = match[1] as string;
  return { repo: gitDir === '.git' ? '.' : gitDir.replace(/[/\\]?\.git$/, '') || '.', ref, subdir: params.get('subdir') };
}

/**
 * Loads the previous state to compare against. `currentModule` is the module root of the
 * current input, used to find the same directory at a git reference.
 */
export async function loadAgainst(value: string, currentModule: string | undefined, options: LoadOptions): Promise<{ image: ProtoImage; cleanup(): Promise<void> }> {
  const noCleanup = async (): Promise<void> => {};
  const bufGit = parseBufGitInput(value);
  if (bufGit === undefined) {
    const path = resolve(options.cwd, value);
    if (existsSync(path) && (statSync(path).isDirectory() || isImagePath(value))) return { image: await loadProtoInput(value, options), cleanup: noCleanup };
  }
  // A plain reference is looked up in the repository holding the module being checked.
  const git = bufGit ?? { repo: currentModule ?? '.', ref: value, subdir: undefined };
  const repoDir = resolve(options.cwd, git.repo);
  const root = await gitOutput(['rev-parse', '--show-toplevel'], repoDir).catch(() => {
    throw new SwitchyardError('SY_ERR_PROTO_GIT_REF', `${value} is not a directory or descriptor set, and ${repoDir} is not in a git repository`);
  });
  await gitOutput(['rev-parse', '--verify', '--quiet', `${git.ref}^{commit}`], root).catch(() => {
    throw new SwitchyardError('SY_ERR_PROTO_GIT_REF', `git reference "${git.ref}" does not exist in ${root}`);
  });
  const subdir = git.subdir ?? toPosix(relative(root, currentModule ?? options.cwd));
  if (subdir.startsWith('..')) throw new SwitchyardError('SY_ERR_PROTO_GIT_REF', `${currentModule ?? options.cwd} is outside the git repository ${root}`);
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-against-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    // A module that did not exist at the reference (or had no .proto files yet) breaks nothing.
    if (!(await existsAt(root, git.ref, subdir))) return { image: emptyImage(), cleanup };
    await exportTree(root, git.ref, subdir, dir);
    const image = await loadProtoInput(join(dir, subdir), { ...options, cwd: join(dir, subdir) }).catch((err: unknown) => {
      if (isSwitchyardError(err) && err.code === 'SY_ERR_PROTO_NO_FILES') return emptyImage();
      throw err;
    });
    return { image, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function existsAt(root: string, ref: string, subdir: string): Promise<boolean> {
  if (subdir === '') return true;
  const listed = await gitOutput(['ls-tree', '--name-only', ref, '--', subdir], root);
  return listed !== '';
}

async function gitOutput(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('git', args, { cwd });
  return stdout.trim();
}

/** `git archive REF -- SUBDIR | tar -x -C DIR`. */
function exportTree(root: string, ref: string, subdir: string, dir: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', ref, '--', subdir === '' ? '.' : subdir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    archive.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        reject(new SwitchyardError('SY_ERR_PROTO_GIT_REF', `cannot read ${subdir === '' ? 'the repository' : subdir} at ${ref}: ${what === 'git' ? stderr.trim().split('\n')[0] : 'tar failed'}`));
      }
      if (--pending === 0 && !failed) resolvePromise();
    };
    archive.on('error', reject);
    tar.on('error', reject);
    archive.on('close', done('git'));
    tar.on('close', done('tar'));
  });
}
