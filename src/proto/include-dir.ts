/**
 * The `.proto` files Switchyard provides without the user vendoring them (`google/api`), kept in
 * `src/proto/include` (tsc does not copy `.proto` files): the package's folder, or from the single
 * executable a copy of its assets (src/runtime/resources.ts).
 */
import { packageDir } from '../runtime/resources.js';

export function builtinIncludeDir(): string {
  return packageDir('src/proto/include');
}
