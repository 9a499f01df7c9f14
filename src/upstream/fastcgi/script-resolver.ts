/**
 * Maps a request path to what serves it: a static file under `root`, or a PHP script from the
 * `scripts` allowlist with its PATH_INFO. This is where "an uploaded file never runs as PHP" is
 * enforced, so it decides from the decoded, normalised path and the file system, never from
 * the raw string:
 *
 * - `%00`, other control characters and invalid percent-encoding are refused outright (the
 *   CVE-2019-11043 family smuggles `%0a` past nginx's `fastcgi_split_path_info` regex);
 * - dot segments are resolved first and may not climb out of `root`;
 * - the script is the path up to the first segment ending in `.php` (as nginx's
 *   `fastcgi_split_path_info ^(.+?\.php)(/.*)$`), and it must match the allowlist AND be a
 *   regular file under `root`; the rest is PATH_INFO, which PHP never
 *   executes because SCRIPT_FILENAME always names an existing file (so `cgi.fix_pathinfo` has
 *   nothing to "fix");
 * - with `static: true`, the path is tried as `try_files $uri $uri/ /index.php?$query_string`,
 *   and a directory is answered as nginx's static and index modules answer it: named without its
 *   trailing slash it is a redirect to the slash; with it, its index runs, or it is a 403.
 *
 * Symlinks inside root are followed, as nginx does by default (`disable_symlinks off`): they are
 * the operator's (Laravel's `public/storage` link points outside `public/`), an upload cannot
 * create one, and a request path can never name anything above root.
 *
 * What the file system says is cached for a second (file-info-cache.ts), so a request to a
 * script costs no system call; a static file is statted again before it is served, because its
 * size and validators go into the response. Resolution is synchronous: the request goes on to
 * php-fpm in the same turn of the event loop.
 */
import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import { SwitchyardError } from '../../errors.js';
import { compileGlob, matchesAny } from './glob.js';
import { FileInfoCache, FILE_INFO_CACHE_DEFAULTS, type FileInfoCacheOptions } from './file-info-cache.js';

export type Resolution =
  | { readonly kind: 'static'; readonly file: string; readonly stats: Stats }
  | {
      readonly kind: 'script';
      /** `/index.php` */
      readonly scriptName: string;
      /** `<root>/index.php` */
      readonly scriptFilename: string;
      readonly pathInfo: string;
      /** nginx `$document_uri`: the URI after any try_files fallback. */
      readonly documentUri: string;
    }
  | {
      /** A directory named without its trailing slash (`/wp-admin`). */
      readonly kind: 'directory-redirect';
      /** The normalised path with the slash, percent-encoded: `/wp-admin/`. */
      readonly path: string;
    };

export interface ScriptResolverOptions {
  readonly upstream: string;
  /** Absolute document root. */
  readonly root: string;
  /** Front controller, relative to root. */
  readonly index: string;
  readonly scripts: readonly string[];
  /** How long and how much of the file system to remember (default 1 s, 1024 paths). */
  readonly fileCache?: FileInfoCacheOptions;
}

/** Extensions PHP may execute; their source is never served as a static file. */
const PHP_EXTENSION = /\.(?:php\d?|phtml|phar|phps|pht|inc)$/i;
const SCRIPT_SPLIT = /^(.*?\.php)(\/.*)?$/i;
// C0 controls and DEL are never legitimate in a path (RFC 3986 section 2).
const CONTROL = /[\x00-\x1f\x7f]/;

export class ScriptResolver {
  readonly #opts: ScriptResolverOptions;
  readonly #globs: RegExp[];
  readonly #files: FileInfoCache;

  constructor(opts: ScriptResolverOptions) {
    this.#opts = opts;
    this.#globs = opts.scripts.map((s) => compileGlob(s.replace(/^\/+/, '')));
    this.#files = new FileInfoCache(opts.fileCache ?? FILE_INFO_CACHE_DEFAULTS);
  }

  /** Whether a root-relative script path is on the allowlist. */
  allowed(relativePath: string): boolean {
    return matchesAny(this.#globs, relativePath);
  }

  /** `rawPath` is the request path as sent, still percent-encoded, without the query. */
  resolve(rawPath: string, tryStatic: boolean): Resolution {
    const path = decodePath(rawPath);
    const split = SCRIPT_SPLIT.exec(path);
    if (split !== null) return this.#script(split[1] as string, split[2] ?? '', path);
    if (tryStatic) {
      const found = this.#tryFiles(path);
      if (found !== undefined) return found;
    }
    return this.#frontController();
  }

  /** Resolves a path named by the application (X-Accel-Redirect) to a static file. */
  resolveInternal(uri: string): { file: string; stats: Stats } {
    const q = uri.indexOf('?');
    const path = decodePath(q === -1 ? uri : uri.slice(0, q));
    const found = this.#staticFile(path);
    if (found === undefined) throw new SwitchyardError('SY_ERR_NOT_FOUND', `x-accel-redirect target ${path} is not a file under the root of upstream "${this.#opts.upstream}"`);
    return found;
  }

  #tryFiles(path: string): Resolution | undefined {
    // $uri
    const file = this.#staticFile(path);
    if (file !== undefined) return { kind: 'static', ...file };
    // $uri/ : a directory is served by its index, as nginx's `index` directive would.
    const dir = this.#stat(path);
    if (dir?.isDirectory()) {
      // nginx's static module answers a directory named without its slash with a 301 to the
      // slash before looking for an index: the index's relative links (WordPress's `edit.php` in
      // /wp-admin/) resolve against the directory only then.
      if (!path.endsWith('/')) return { kind: 'directory-redirect', path: encodePath(`${path}/`) };
      const index = posix.join(path, this.#opts.index);
      if (this.allowed(index.slice(1))) {
        const script = this.#stat(index);
        if (script?.isFile()) return this.#scriptResolution(index, '', index);
      }
      const html = this.#staticFile(posix.join(path, 'index.html'));
      if (html !== undefined) return { kind: 'static', ...html };
      // nginx with `autoindex off` (its default): 403, never the front controller.
      throw new SwitchyardError('SY_ERR_DIRECTORY_LISTING_FORBIDDEN', `directory ${path} has no index to run or serve under the root of upstream "${this.#opts.upstream}"`);
    }
    return undefined;
  }

  #staticFile(path: string): { file: string; stats: Stats } | undefined {
    if (PHP_EXTENSION.test(path)) return undefined;
    if (path.split('/').some((s) => s.startsWith('.') && s !== '.well-known')) {
      throw new SwitchyardError('SY_ERR_FORBIDDEN_PATH', `hidden file ${path} is not served`);
    }
    if (!this.#stat(path)?.isFile()) return undefined;
    // The stat that goes into Content-Length, ETag and Last-Modified is taken now: a file
    // rewritten within the cache's second must not be sent with its old length.
    const found = this.#files.fresh(this.#opts.root + path);
    if (found === undefined || !found.isFile()) return undefined;
    return { file: this.#opts.root + path, stats: found };
  }

  #script(scriptName: string, pathInfo: string, documentUri: string): Resolution {
    const relative = scriptName.slice(1);
    if (!this.allowed(relative)) {
      throw new SwitchyardError('SY_ERR_FASTCGI_SCRIPT_FORBIDDEN', `${scriptName} is not in the scripts allowlist of upstream "${this.#opts.upstream}"`);
    }
    const found = this.#stat(scriptName);
    if (found === undefined || !found.isFile()) {
      throw new SwitchyardError('SY_ERR_NOT_FOUND', `script ${scriptName} does not exist under the root of upstream "${this.#opts.upstream}"`);
    }
    return this.#scriptResolution(scriptName, pathInfo, documentUri);
  }

  #frontController(): Resolution {
    const scriptName = `/${this.#opts.index}`;
    return this.#script(scriptName, '', scriptName);
  }

  #scriptResolution(scriptName: string, pathInfo: string, documentUri: string): Resolution {
    return {
      kind: 'script',
      scriptName,
      // SCRIPT_FILENAME as `$document_root$fastcgi_script_name`.
      scriptFilename: this.#opts.root + scriptName,
      pathInfo,
      documentUri,
    };
  }

  /** Stats `path` under root (cached); undefined when absent. */
  #stat(path: string): Stats | undefined {
    return this.#files.stat(this.#opts.root + path);
  }
}

/**
 * Percent-decodes and normalises a request path: merges slashes and resolves `.`/`..` as nginx
 * does (RFC 3986 section 5.2.4), refusing paths that would climb above `/`.
 */
export function decodePath(rawPath: string): string {
  if (!rawPath.startsWith('/')) throw new SwitchyardError('SY_ERR_BAD_REQUEST', 'request path must start with "/"');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw new SwitchyardError('SY_ERR_BAD_REQUEST', 'request path has invalid percent-encoding');
  }
  if (CONTROL.test(decoded)) throw new SwitchyardError('SY_ERR_FORBIDDEN_PATH', 'request path contains a control character (such as %00 or %0a)');
  if (decoded.includes('\\')) throw new SwitchyardError('SY_ERR_FORBIDDEN_PATH', 'request path contains a backslash');
  const out: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) throw new SwitchyardError('SY_ERR_FORBIDDEN_PATH', 'request path climbs above the document root');
      out.pop();
      continue;
    }
    out.push(segment);
  }
  // A path ending in `/.` or `/..` names a directory, as one ending in `/` does (section 5.2.4
  // turns `/a/b/..` into `/a/`; nginx answers `/dir/sub/..` as `/dir/`).
  const last = decoded.slice(decoded.lastIndexOf('/') + 1);
  const trailing = (last === '' || last === '.' || last === '..') && out.length > 0 ? '/' : '';
  return '/' + out.join('/') + trailing;
}

/**
 * Percent-encodes a decoded path for a Location header: what encodeURI leaves alone plus `?` and
 * `#`, which would otherwise start a query or fragment (nginx escapes the same in its redirect).
 */
export function encodePath(path: string): string {
  return encodeURI(path).replace(/[?#]/g, (c) => (c === '?' ? '%3F' : '%23'));
}
