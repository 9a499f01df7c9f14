/**
 * The glob dialect of the `scripts` allowlist: `*` and `?` stay inside one path segment, `**`
 * crosses segments, everything else is literal. Compiled once to a RegExp at startup. Written by
 * hand because the allowlist is a security boundary and this dialect is small enough to read in
 * full; node's `path.matchesGlob` is still experimental on Node 20.
 */

export function compileGlob(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        // `**/` also matches zero directories.
        if (glob[i + 1] === '/') {
          i++;
          source += '(?:.*/)?';
        } else {
          source += '.*';
        }
      } else {
        source += '[^/]*';
      }
    } else if (c === '?') {
      source += '[^/]';
    } else {
      source += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** Matches a root-relative path (no leading slash) against any of the compiled globs. */
export function matchesAny(globs: readonly RegExp[], relativePath: string): boolean {
  return globs.some((g) => g.test(relativePath));
}
