/**
 * Compiles a module directory into a descriptor set with source info by running buf's compiler.
 * A directory is a module root: imports resolve inside it, then in the well-known types (built
 * into the compiler), then in Switchyard's `google/api` files. To offer the latter without the
 * user vendoring them, the module and the built-in files are put side by side as two modules of
 * a throw-away buf workspace (symlinks in a temp directory); files the user vendors win.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import type { FileDescriptorSet } from '@bufbuild/protobuf/wkt';
import { SwitchyardError } from '../errors.js';
import { bufBinary } from './buf-binary.js';
import { ProtoCompileError } from './compile-error.js';
import { decodeImage } from './image.js';
import { findProtoFiles } from './find-protos.js';
import { builtinIncludeDir } from './include-dir.js';
import type { CompileDiagnostic } from './proto-file.js';

const run = promisify(execFile);
const USER_MODULE = 'module';
const INCLUDE_MODULE = 'include';

export interface CompiledModule {
  readonly set: FileDescriptorSet;
  /** The module's own files (import paths); everything else in `set` was imported. */
  readonly own: ReadonlySet<string>;
  /** Import path -> path to print, relative to `cwd`. */
  displayPath(name: string): string;
}

export interface CompileOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Module-relative files to build (with what they import); all of the module when absent. */
  readonly only?: readonly string[];
}

export async function compileModule(moduleDir: string, options: CompileOptions): Promise<CompiledModule> {
  const root = resolve(options.cwd, moduleDir);
  let own: string[];
  try {
    own = await findProtoFiles(root);
  } catch (cause) {
    throw new SwitchyardError('SY_ERR_FILE_NOT_FOUND', `cannot read directory ${moduleDir}`, { cause });
  }
  if (own.length === 0) throw new SwitchyardError('SY_ERR_PROTO_NO_FILES', `no .proto files in ${moduleDir}`);
  const ownSet = new Set(own);
  const includeDir = builtinIncludeDir();
  const builtins = (await findProtoFiles(includeDir)).filter((name) => !ownSet.has(name));

  const workspace = await mkdtemp(join(tmpdir(), 'switchyard-proto-'));
  try {
    await symlink(root, join(workspace, USER_MODULE), 'dir');
    const modules = [USER_MODULE];
    for (const name of builtins) {
      const target = join(workspace, INCLUDE_MODULE, name);
      await mkdir(dirname(target), { recursive: true });
      await symlink(join(includeDir, name), target, 'file');
    }
    if (builtins.length > 0) modules.push(INCLUDE_MODULE);
    await writeFile(join(workspace, 'buf.yaml'), `version: v2\nmodules:\n${modules.map((m) => `  - path: ${m}\n`).join('')}`);
    const toDisplay = (path: string): string => {
      if (path.startsWith(`${USER_MODULE}/`)) return displayOf(options.cwd, join(root, path.slice(USER_MODULE.length + 1)));
      if (path.startsWith(`${INCLUDE_MODULE}/`)) return displayOf(options.cwd, join(includeDir, path.slice(INCLUDE_MODULE.length + 1)));
      return path;
    };
    const paths = (options.only ?? []).flatMap((p) => ['--path', `${USER_MODULE}/${p}`]);
    const bytes = await runBuild(workspace, paths, options.env ?? process.env, toDisplay);
    return {
      set: decodeImage(bytes, moduleDir),
      own: ownSet,
      displayPath: (name) => (ownSet.has(name) ? displayOf(options.cwd, join(root, name)) : name),
    };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

async function runBuild(workspace: string, paths: readonly string[], env: NodeJS.ProcessEnv, toDisplay: (p: string) => string): Promise<Uint8Array> {
  try {
    const { stdout } = await run(bufBinary(env), ['build', '.', ...paths, '--error-format', 'json', '-o', '-#format=binpb'], {
      cwd: workspace,
      encoding: 'buffer',
      maxBuffer: 1 << 30,
      env: { ...env, BUF_CACHE_DIR: env['BUF_CACHE_DIR'] ?? join(tmpdir(), 'switchyard-buf-cache') },
    });
    return new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength);
  } catch (err) {
    const failure = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (failure.code === 'ENOENT') throw new SwitchyardError('SY_ERR_PROTO_COMPILER', 'the buf compiler binary is missing', { cause: err });
    throw new ProtoCompileError(parseDiagnostics(failure.stderr?.toString('utf8') ?? String(err), toDisplay));
  }
}

/** buf's `--error-format json` prints one JSON object per compile error, or a `Failure: ...` line. */
function parseDiagnostics(stderr: string, toDisplay: (p: string) => string): CompileDiagnostic[] {
  const out: CompileDiagnostic[] = [];
  for (const line of stderr.split('\n')) {
    const text = line.trim();
    if (text === '') continue;
    try {
      const d = JSON.parse(text) as { path?: string; start_line?: number; start_column?: number; message?: string };
      out.push({ path: toDisplay(d.path ?? ''), line: d.start_line ?? 0, column: d.start_column ?? 0, message: d.message ?? '' });
    } catch {
      out.push({ path: 'buf', line: 0, column: 0, message: text.replace(/^Failure: /, '') });
    }
  }
  return out;
}

/** Paths below the working directory print relative to it (as buf prints them), others absolute. */
function displayOf(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  if (rel.startsWith('..')) return sep === '/' ? absolute : absolute.split(sep).join('/');
  return sep === '/' ? rel : rel.split(sep).join('/');
}
