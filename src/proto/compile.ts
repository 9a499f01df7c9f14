/**
 * Compiles module directories (one, or the several of a buf workspace) into a descriptor set
 * with source info by running buf's compiler. A module directory is an import root: imports
 * resolve inside the modules, then in the well-known types (built into the compiler), then in
 * Switchyard's `google/api` files. To offer the latter without the user vendoring them, the
 * modules and the built-in files are put side by side as modules of a throw-away buf workspace
 * (symlinks in a temp directory); files the user vendors win.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FileDescriptorSet } from '@bufbuild/protobuf/wkt';
import { SwitchyardError } from '../errors.js';
import { bufBinary } from './buf-binary.js';
import { ProtoCompileError } from './compile-error.js';
import { decodeImage } from './image.js';
import { findProtoFiles } from './find-protos.js';
import { narrowArgs, type NarrowFilter } from './narrow.js';
import { builtinIncludeDir } from './include-dir.js';
import type { CompileDiagnostic } from './proto-file.js';
import { toPosix } from './posix-path.js';

const run = promisify(execFile);
// Names of the throw-away workspace's modules: module0, module1... and the built-in include.
const USER_MODULE = 'module';
const INCLUDE_MODULE = 'include';

export interface CompiledModule {
  readonly set: FileDescriptorSet;
  /** The modules' own files (import paths); everything else in `set` was imported. */
  readonly own: ReadonlySet<string>;
  /** Which of the compiled module directories a file of `own` belongs to (index). */
  moduleOf(name: string): number | undefined;
  /** Import path -> path to print, relative to `cwd`. */
  displayPath(name: string): string;
}

export interface CompileOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Files to build (with what they import): module index and module-relative path ('' for the whole module). All when absent. */
  readonly only?: { readonly module: number; readonly path: string };
  /** buf's `--path` / `--exclude-path` (relative to `cwd`): only what they select is compiled, with its imports. */
  readonly filter?: NarrowFilter;
}

/** Compiles one module directory. */
export function compileModule(moduleDir: string, options: CompileOptions): Promise<CompiledModule> {
  return compileModules([moduleDir], options);
}

/**
 * Compiles several module directories as one unit, as buf compiles a workspace: each is an
 * import root, and files of one may import files of another.
 */
export async function compileModules(moduleDirs: readonly string[], options: CompileOptions): Promise<CompiledModule> {
  const roots = moduleDirs.map((d) => resolve(options.cwd, d));
  const moduleOfName = new Map<string, number>();
  for (const [i, root] of roots.entries()) {
    let files: string[];
    try {
      files = await findProtoFiles(root);
    } catch (cause) {
      throw new SwitchyardError('SY_ERR_FILE_NOT_FOUND', `cannot read directory ${moduleDirs[i]}`, { cause });
    }
    for (const name of files) if (!moduleOfName.has(name)) moduleOfName.set(name, i);
  }
  if (moduleOfName.size === 0) throw new SwitchyardError('SY_ERR_PROTO_NO_FILES', `no .proto files in ${moduleDirs.join(', ')}`);
  const includeDir = builtinIncludeDir();
  // Without the include directory (a package built without it) google/api imports fail to compile, with a position.
  const builtins = (await findProtoFiles(includeDir).catch(() => [] as string[])).filter((name) => !moduleOfName.has(name));

  const workspace = await mkdtemp(join(tmpdir(), 'switchyard-proto-'));
  try {
    const links = roots.map((_, i) => `${USER_MODULE}${i}`);
    for (const [i, root] of roots.entries()) await symlink(root, join(workspace, links[i] as string), 'dir');
    const modules = [...links];
    for (const name of builtins) {
      const target = join(workspace, INCLUDE_MODULE, name);
      await mkdir(dirname(target), { recursive: true });
      await symlink(join(includeDir, name), target, 'file');
    }
    if (builtins.length > 0) modules.push(INCLUDE_MODULE);
    await writeFile(join(workspace, 'buf.yaml'), `version: v2\nmodules:\n${modules.map((m) => `  - path: ${m}\n`).join('')}`);
    // buf names files by workspace path (`module0/acme/v1/x.proto`); map them back to the user's paths.
    const toDisplay = (path: string): string => {
      const [head = '', ...rest] = path.split('/');
      const index = links.indexOf(head);
      if (index >= 0) return displayOf(options.cwd, join(roots[index] as string, ...rest));
      if (head === INCLUDE_MODULE) return displayOf(options.cwd, join(includeDir, ...rest));
      return path;
    };
    const only = options.only;
    // buf takes a whole module as the input (it still sees the workspace and the module's siblings), a file with --path.
    const narrow = (within?: number): string[] => (options.filter === undefined ? [] : narrowArgs(options.filter, options.cwd, roots, links, moduleOfName, within));
    const target = only === undefined ? ['.', ...narrow()] : only.path === '' ? [`${links[only.module]}`, ...narrow(only.module)] : ['.', '--path', `${links[only.module]}/${only.path}`];
    const bytes = await runBuild(workspace, target, options.env ?? process.env, toDisplay);
    return {
      set: decodeImage(bytes, moduleDirs.join(', ')),
      own: new Set(moduleOfName.keys()),
      moduleOf: (name) => moduleOfName.get(name),
      displayPath: (name) => {
        const index = moduleOfName.get(name);
        return index === undefined ? name : displayOf(options.cwd, join(roots[index] as string, name));
      },
    };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

async function runBuild(workspace: string, target: readonly string[], env: NodeJS.ProcessEnv, toDisplay: (p: string) => string): Promise<Uint8Array> {
  try {
    const { stdout } = await run(bufBinary(env), ['build', ...target, '--error-format', 'json', '-o', '-#format=binpb'], {
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
      const d = JSON.parse(text) as { path?: string; start_line?: number; start_column?: number; end_line?: number; end_column?: number; message?: string };
      const [line, column] = [d.start_line ?? 0, d.start_column ?? 0];
      out.push({ path: toDisplay(d.path ?? ''), line, column, endLine: d.end_line ?? line, endColumn: d.end_column ?? column, message: d.message ?? '' });
    } catch {
      out.push({ path: 'buf', line: 0, column: 0, message: text.replace(/^Failure: /, '') });
    }
  }
  return out;
}

/** Paths below the working directory print relative to it (as buf prints them), others absolute. */
function displayOf(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  return toPosix(rel.startsWith('..') ? absolute : rel);
}
