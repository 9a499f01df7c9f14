/**
 * buf's `--path` / `--exclude-path`: limit a run to some files or directories of the input.
 * Values are relative to the working directory (`proto/acme/v1`), as buf takes them, and are
 * matched against each file's import path within its module.
 */
import { relative, resolve } from 'node:path';
import { SwitchyardError } from '../../errors.js';
import type { ProtoImage } from '../../proto/load.js';
import { toPosix } from '../../proto/posix-path.js';
import { pathMatches } from './config.js';

export interface PathFilter {
  readonly paths: readonly string[];
  readonly excludePaths: readonly string[];
}

/** commander's collector for the repeatable `--path` / `--exclude-path` flags. */
export const collectPaths = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * A predicate on import paths (`acme/v1/x.proto`) for files of `image`: each value becomes an
 * import-path prefix within whichever module directory holds it, and matches that module's
 * files only (`--exclude-path vendor` in a workspace leaves the other modules alone). Images
 * take import paths.
 */
export function pathFilter(image: ProtoImage, filter: PathFilter, cwd: string): (name: string) => boolean {
  const moduleOf = new Map<string, number>();
  image.modules.forEach((m, i) => m.targets.forEach((f) => moduleOf.set(f.name, i)));
  const toEntries = (p: string): { module: number | undefined; prefix: string }[] => {
    if (image.modules.length === 0) return [{ module: undefined, prefix: p }];
    return image.modules.flatMap((m, i) => {
      const rel = toPosix(relative(m.dir, resolve(cwd, p)));
      return rel.startsWith('..') ? [] : [{ module: i, prefix: rel }];
    });
  };
  const include = filter.paths.flatMap(toEntries);
  const exclude = filter.excludePaths.flatMap(toEntries);
  const none = filter.paths.length === 0;
  const hit = (name: string) => (e: { module: number | undefined; prefix: string }) => (e.module === undefined || e.module === moduleOf.get(name)) && pathMatches(name, e.prefix);
  return (name) => (none || include.some(hit(name))) && !exclude.some(hit(name));
}

/** The image with only the files the filter keeps as targets (imports are unaffected). */
export function filterTargets(image: ProtoImage, keep: (name: string) => boolean): ProtoImage {
  return {
    ...image,
    targets: image.targets.filter((f) => keep(f.name)),
    files: image.files.filter((f) => f.info.isImport || keep(f.name)),
    modules: image.modules.map((m) => ({ ...m, targets: m.targets.filter((f) => keep(f.name)) })),
  };
}

/**
 * buf fails when `--path` / `--exclude-path` leave no file to check (a path outside the input, a
 * typo, or everything excluded) rather than passing silently; so does this. `filtered` is the
 * image after `filterTargets`.
 */
export function requireTargets(filtered: ProtoImage, filter: PathFilter, input: string): void {
  if (filtered.targets.length > 0 || (filter.paths.length === 0 && filter.excludePaths.length === 0)) return;
  throw new SwitchyardError('SY_ERR_PROTO_NO_FILES', `no .proto files of ${input} are left to check: --path names none of them, or --exclude-path excludes them all`);
}
