/**
 * Paths as proto tooling prints and matches them: import paths, buf config paths and git
 * pathspecs all use forward slashes, whatever the platform's separator.
 */
import { sep } from 'node:path';

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
