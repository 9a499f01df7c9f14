/**
 * The `.proto` files Switchyard provides without the user vendoring them (`google/api`).
 * tsc does not copy `.proto` files, so they are read from the source tree beside the compiled
 * output: `dist/src/proto/include-dir.js` -> `src/proto/include`, and from `src/proto/` itself
 * when run from source.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function builtinIncludeDir(): string {
  const fromDist = fileURLToPath(new URL('../../../src/proto/include', import.meta.url));
  if (existsSync(fromDist)) return fromDist;
  return fileURLToPath(new URL('./include', import.meta.url));
}
