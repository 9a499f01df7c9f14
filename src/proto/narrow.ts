/**
 * buf compiles only what `--path` / `--exclude-path` select, with their imports, so a file
 * outside them never has to compile (googleapis ships protos that do not). This turns the
 * user's values, relative to the working directory, into the same flags for a build of the
 * throw-away workspace in which module i is linked as `links[i]`.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { toPosix } from './posix-path.js';

export interface NarrowFilter {
  readonly paths: readonly string[];
  readonly excludePaths: readonly string[];
}

interface Entry {
  readonly module: number;
  /** Module-relative path; '' is the whole module. */
  readonly rel: string;
}

/**
 * Build flags for `filter`, or none when narrowing is not safe: a value naming a whole module
 * (buf takes a module only as an input), or values that select no file at all (the caller
 * then reports that nothing is targeted, in its own words). `files` maps import paths to the
 * index of the module holding them; `within` limits the flags to one module (the build input).
 */
export function narrowArgs(filter: NarrowFilter, cwd: string, roots: readonly string[], links: readonly string[], files: ReadonlyMap<string, number>, within?: number): string[] {
  const entries = (values: readonly string[]): Entry[] =>
    values.flatMap((value) =>
      roots.flatMap((root, module) => {
        const rel = toPosix(relative(root, resolve(cwd, value)));
        return rel.startsWith('..') || isAbsolute(rel) || (within !== undefined && module !== within) ? [] : [{ module, rel }];
      }),
    );
  const include = entries(filter.paths);
  const exclude = entries(filter.excludePaths).filter((e) => e.rel !== '');
  if (include.some((e) => e.rel === '') || (filter.paths.length > 0 && include.length === 0)) return [];
  const matches = (name: string, module: number, e: Entry): boolean => e.module === module && (name === e.rel || name.startsWith(`${e.rel}/`));
  let selected = false;
  for (const [name, module] of files) {
    if (within !== undefined && module !== within) continue;
    if ((include.length === 0 || include.some((e) => matches(name, module, e))) && !exclude.some((e) => matches(name, module, e))) {
      selected = true;
      break;
    }
  }
  if (!selected) return [];
  // Only values that name some file: buf fails on a --path that selects nothing.
  const naming = (e: Entry): boolean => [...files].some(([name, module]) => matches(name, module, e));
  return [
    ...include.filter(naming).flatMap((e) => ['--path', `${links[e.module]}/${e.rel}`]),
    ...exclude.filter(naming).flatMap((e) => ['--exclude-path', `${links[e.module]}/${e.rel}`]),
  ];
}
