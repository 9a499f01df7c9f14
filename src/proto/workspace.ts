/**
 * buf workspaces: a directory whose `buf.yaml` (version v2) lists `modules`, or whose
 * `buf.work.yaml` lists `directories`. Each module is an import root, and modules may import
 * each other, so a workspace compiles as one unit. Read here so that a team's existing layout
 * works as the input of `switchyard proto` unchanged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseYaml } from './yaml.js';

export interface WorkspaceModule {
  /** Absolute module directory. */
  readonly dir: string;
  /** The module's path relative to the workspace root, forward slashes (`proto`). */
  readonly path: string;
  /** The module's own entry in buf.yaml (may carry `lint` / `breaking`), for v2 workspaces. */
  readonly entry: Readonly<Record<string, unknown>>;
}

export interface Workspace {
  readonly root: string;
  readonly modules: readonly WorkspaceModule[];
  /** The parsed buf.yaml of a v2 workspace (its top-level `lint` / `breaking` apply to every module). */
  readonly config: Readonly<Record<string, unknown>> | undefined;
}

/** The workspace rooted at `dir`, or undefined when `dir` is a plain module (or nothing). */
export function readWorkspace(dir: string): Workspace | undefined {
  const root = resolve(dir);
  const bufYaml = readYaml(join(root, 'buf.yaml'));
  if (bufYaml !== undefined && bufYaml['version'] === 'v2' && Array.isArray(bufYaml['modules'])) {
    const modules = (bufYaml['modules'] as unknown[]).flatMap((m) => {
      const entry = typeof m === 'string' ? { path: m } : (m as Record<string, unknown>);
      const path = typeof entry['path'] === 'string' ? normalize(entry['path']) : '.';
      return [{ dir: resolve(root, path), path, entry }];
    });
    // A single module at the root is just a module.
    if (modules.length === 1 && modules[0]?.path === '.') return undefined;
    return { root, modules, config: bufYaml };
  }
  const work = readYaml(join(root, 'buf.work.yaml'));
  if (work !== undefined && Array.isArray(work['directories'])) {
    const modules = (work['directories'] as unknown[])
      .filter((d): d is string => typeof d === 'string')
      .map((d) => ({ dir: resolve(root, d), path: normalize(d), entry: {} }));
    return { root, modules, config: undefined };
  }
  return undefined;
}

/**
 * The workspace above `dir` listing a module that is `dir` or holds it, with that module's index;
 * buf looks upward from a directory input the same way, so that a module named on its own
 * still imports from its sibling modules. The nearest workspace decides.
 */
export function enclosingWorkspace(dir: string): { readonly workspace: Workspace; readonly module: number } | undefined {
  const target = resolve(dir);
  for (let parent = dirname(target); parent !== dirname(parent); parent = dirname(parent)) {
    const workspace = readWorkspace(parent);
    if (workspace === undefined) continue;
    const module = workspace.modules.findIndex((m) => !relative(m.dir, target).startsWith('..'));
    return module < 0 ? undefined : { workspace, module };
  }
  return undefined;
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '') || '.';
}

function readYaml(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value: unknown = parseYaml(readFileSync(file, 'utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // A broken buf.yaml is reported by the configuration loader, with its position.
    return undefined;
  }
}
