/**
 * The proto loader: turns what a user names on the command line, or in gateway config, into
 * compiled files with source positions. An input is a module directory, one `.proto` file inside
 * a module, or an image (`.binpb`/`.pb`, a FileDescriptorSet). Used by `switchyard proto` and by
 * the gRPC upstream (through `registry`).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { existsSync } from 'node:fs';
import { create, createFileRegistry, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type FileDescriptorSet } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import { SwitchyardError } from '../errors.js';
import { compileModules, type CompileOptions } from './compile.js';
import type { NarrowFilter } from './narrow.js';
import { enclosingWorkspace, readWorkspace } from './workspace.js';
import { decodeImage, imageFileInfo } from './image.js';
import { toPosix } from './posix-path.js';
import type { ProtoFile } from './proto-file.js';
import { SourceIndex } from './source-info.js';

export interface LoadOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * buf's `--path` / `--exclude-path`, relative to `cwd`: only the files they select are compiled
   * (with their imports). The caller still picks its targets; this only spares the compiler.
   */
  readonly filter?: NarrowFilter;
}

export interface ProtoModule {
  /** Absolute module directory. */
  readonly dir: string;
  /** This module's files among the image's targets. */
  readonly targets: readonly ProtoFile[];
}

export interface ProtoImage {
  /** Every file, imports included, in dependency order. */
  readonly files: readonly ProtoFile[];
  /** The files findings are reported for: the input's own files, or the one file named. */
  readonly targets: readonly ProtoFile[];
  /** The module root the input resolved to, or the workspace root (undefined for images). */
  readonly moduleDir: string | undefined;
  /** The modules compiled (several for a buf workspace, none for an image). */
  readonly modules: readonly ProtoModule[];
  /** A `@bufbuild/protobuf` registry of all files, for encoding and decoding messages. */
  registry(): FileRegistry;
}

const IMAGE_SUFFIXES = ['.binpb', '.pb', '.bin'];
// Files that mark a module root when a single `.proto` file is named (as buf looks for buf.yaml).
const MODULE_MARKERS = ['switchyard.proto.yaml', 'buf.yaml'];

export function isImagePath(input: string): boolean {
  return IMAGE_SUFFIXES.some((suffix) => input.endsWith(suffix));
}

export async function loadProtoInput(input: string, options: LoadOptions): Promise<ProtoImage> {
  const absolute = resolve(options.cwd, input);
  const stats = await stat(absolute).catch(() => undefined);
  if (stats === undefined) throw new SwitchyardError('SY_ERR_FILE_NOT_FOUND', `${input} does not exist`);
  if (stats.isFile() && isImagePath(input)) return loadImageFile(input, options);
  if (stats.isDirectory()) {
    const workspace = readWorkspace(absolute);
    if (workspace !== undefined) return loadModules(workspace.root, workspace.modules.map((m) => m.dir), undefined, options);
    // One module of a workspace above: compiled with its siblings (it may import them), linted alone.
    const enclosing = enclosingWorkspace(absolute);
    if (enclosing === undefined) return loadModules(absolute, [input], undefined, options);
    const dirs = enclosing.workspace.modules.map((m) => m.dir);
    const moduleDir = dirs[enclosing.module] as string;
    if (moduleDir !== absolute) {
      // buf refuses this too: a directory inside a module is named with --path.
      throw new SwitchyardError('SY_ERR_CLI_USAGE', `${input} is inside the module ${toPosix(relative(options.cwd, moduleDir)) || '.'} of the workspace at ${enclosing.workspace.root}; name the module or the workspace and narrow with --path ${input}`);
    }
    return loadModules(moduleDir, dirs, { module: enclosing.module, path: '' }, options);
  }
  if (stats.isFile() && input.endsWith('.proto')) {
    const root = moduleRootOf(absolute, options.cwd, await readFile(absolute, 'utf8'));
    // A file inside a workspace module compiles with the whole workspace (modules import each other).
    const workspace = readWorkspace(root);
    const dirs = workspace === undefined ? [root] : workspace.modules.map((m) => m.dir);
    const module = dirs.findIndex((d) => !relative(d, absolute).startsWith('..'));
    if (module < 0) throw new SwitchyardError('SY_ERR_CLI_USAGE', `${input} is in none of the modules of the workspace at ${root}`);
    const path = toPosix(relative(dirs[module] as string, absolute));
    return loadModules(workspace?.root ?? root, dirs, { module, path }, options);
  }
  throw new SwitchyardError('SY_ERR_CLI_USAGE', `${input} is neither a directory, a .proto file nor a .binpb descriptor set`);
}

/** An image with no files: what a module looked like before it existed. */
export function emptyImage(): ProtoImage {
  return image(create(FileDescriptorSetSchema), [], [], undefined, []);
}

async function loadImageFile(input: string, options: LoadOptions): Promise<ProtoImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(resolve(options.cwd, input));
  } catch (cause) {
    throw new SwitchyardError('SY_ERR_FILE_UNREADABLE', `cannot read ${input}`, { cause });
  }
  const set = decodeImage(bytes, input);
  const files = set.file.map((proto) => makeFile(proto, proto.name ?? ''));
  return image(set, files, files.filter((f) => !f.info.isImport), undefined, []);
}

async function loadModules(root: string, dirs: readonly string[], only: CompileOptions['only'], options: LoadOptions): Promise<ProtoImage> {
  const compiled = await compileModules(dirs, only === undefined ? options : { ...options, only });
  const files = compiled.set.file.map((proto) => {
    const file = makeFile(proto, compiled.displayPath(proto.name ?? ''));
    // The built-in google/api files sit in another workspace module; to the user they are imports.
    return compiled.own.has(file.name) ? file : { ...file, info: { ...file.info, isImport: true } };
  });
  const reachable = reachableFrom(files.filter((f) => compiled.own.has(f.name)), files);
  const kept = files.filter((f) => reachable.has(f.name));
  const targets = kept.filter((f) => (only === undefined ? compiled.own.has(f.name) : compiled.moduleOf(f.name) === only.module && (only.path === '' || f.name === only.path)));
  const modules = dirs.map((dir, i) => ({ dir: resolve(options.cwd, dir), targets: targets.filter((f) => compiled.moduleOf(f.name) === i) }));
  return image(compiled.set, kept, targets, root, modules);
}

function makeFile(proto: ProtoFile['proto'], displayPath: string): ProtoFile {
  return { name: proto.name ?? '', displayPath, proto, info: imageFileInfo(proto), source: new SourceIndex(proto) };
}

function image(set: FileDescriptorSet, files: ProtoFile[], targets: ProtoFile[], moduleDir: string | undefined, modules: ProtoModule[]): ProtoImage {
  let registry: FileRegistry | undefined;
  return {
    files,
    targets,
    moduleDir,
    modules,
    registry: () => (registry ??= createFileRegistry(set)),
  };
}

/**
 * The module's files and everything they import. The built-in include files are always compiled;
 * those nothing imports are dropped so that the image holds what buf's would.
 */
function reachableFrom(roots: readonly ProtoFile[], all: readonly ProtoFile[]): Set<string> {
  const byName = new Map(all.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const stack = roots.map((f) => f.name);
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const dep of byName.get(name)?.proto.dependency ?? []) stack.push(dep);
  }
  return seen;
}

/**
 * The module root for a single named file: the nearest directory at or above it (up to the
 * working directory) holding a module marker; else the directory its package implies
 * (`acme/shop/v1/x.proto` with `package acme.shop.v1` sits three levels below its root); else
 * the working directory.
 */
function moduleRootOf(file: string, cwd: string, text: string): string {
  const stop = resolve(cwd);
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (MODULE_MARKERS.some((m) => existsSync(resolve(dir, m)))) return dir;
    if (dir === stop || dirname(dir) === dir) break;
  }
  const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(text)?.[1];
  if (pkg !== undefined) {
    const parts = pkg.split('.');
    const dirs = dirname(file).split(sep);
    if (dirs.slice(-parts.length).join('/') === parts.join('/')) return dirs.slice(0, -parts.length).join(sep) || sep;
  }
  return file.startsWith(stop) ? stop : dirname(file);
}
