/**
 * Finds a program the way a shell would: the first of `names` that is an executable file in one
 * of `dirs`, in that order (every name in every directory before the next name). Used where a
 * missing program must become one clear line rather than a spawn error (php-fpm, bpftrace).
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export function findProgram(names: readonly string[], dirs: readonly string[]): string | undefined {
  for (const name of names) {
    for (const dir of dirs) {
      if (dir === '') continue;
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
