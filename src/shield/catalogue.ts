/**
 * The shield's rules: each has an id, a category, a paranoia level and what it detects, and is
 * either a request rule (reads the method, path, query and headers once) or a value rule (reads
 * each parameter, cookie, chosen header and body field after decoding). Ids are OWASP CRS's where
 * a CRS rule of the PHP (933), LFI (930) or protocol (920/921) family detects the same thing, so
 * a CRS user finds them where expected; the rest are in 190000-199999, ModSecurity's range for
 * local rules, keeping the family in their digits (19 + 2x/3x). The patterns are matchers.ts's.
 */
import type { Inspected, RequestFacts } from './request-view.js';
import * as m from './matchers.js';
import { percentDecode } from './decode.js';
import type { Inspected as InspectedValue } from './request-view.js';

export const CATEGORIES = ['protocol', 'php-cgi', 'path-info', 'php-injection', 'stream-wrapper', 'traversal', 'sensitive-file', 'object-injection'] as const;
export type ShieldCategory = (typeof CATEGORIES)[number];

/** What a value rule is given: arguments (query and body) and their names, cookies and their names, chosen headers, upload file names. */
export type ValueKind = 'arg' | 'arg-name' | 'cookie' | 'cookie-name' | 'header' | 'file-name';

interface RuleBase {
  readonly id: number;
  readonly category: ShieldCategory;
  readonly paranoia: 1 | 2;
  readonly description: string;
  /** A framing violation: answered 400 rather than 403. */
  readonly framing?: boolean;
}

export interface RequestRule extends RuleBase {
  readonly scope: 'request';
  /** The part that matched (for the audit log), or undefined. */
  check(request: RequestFacts): string | undefined;
}

export interface ValueRule extends RuleBase {
  readonly scope: 'value';
  readonly kinds: readonly ValueKind[];
  /**
   * True when a value of nothing but letters, digits, `_`, `-`, `+` and spaces can match (a name
   * such as `allow_url_include`). Most values are such words; rules without this flag need some
   * other character (`<?`, `$`, `(`, `/`, `%` ...) and are skipped for them.
   */
  readonly plain?: true;
  check(value: Inspected): boolean;
}

export type ShieldRule = RequestRule | ValueRule;

// CRS reads ARGS_NAMES and REQUEST_COOKIES_NAMES wherever it reads ARGS and REQUEST_COOKIES: PHP
// parses a name too (`a[b]` makes an array), and an application may echo or include it.
const VALUES: readonly ValueKind[] = ['arg', 'arg-name', 'cookie', 'cookie-name', 'header'];
const ARGS_AND_COOKIES: readonly ValueKind[] = ['arg', 'arg-name', 'cookie', 'cookie-name'];
const NAMES: readonly ValueKind[] = ['arg-name', 'cookie-name'];

/** Headers some AJAX uploaders send the file name in, read as a multipart file name is. */
const FILE_NAME_HEADERS: ReadonlySet<string> = new Set(['REQUEST_HEADERS:X-Filename', 'REQUEST_HEADERS:X_Filename', 'REQUEST_HEADERS:X-File-Name']);
const isFileName = (v: InspectedValue): boolean => v.kind === 'file-name' || FILE_NAME_HEADERS.has(v.part);
/** The file name without the dots and spaces Windows drops at its end (`shell.php.`). */
const fileName = (v: InspectedValue): string => v.value.replace(/[\s.]+$/, '');

export const RULES: readonly ShieldRule[] = [
  // --- protocol (920, 921): what the HTTP/1.1 codec does not already refuse ------------------------
  {
    id: 920170, category: 'protocol', paranoia: 1, framing: true, scope: 'request',
    description: 'GET or HEAD request with a body (Content-Length above 0 or Transfer-Encoding)',
    check: (r) => ((r.method === 'GET' || r.method === 'HEAD') && (r.headers['transfer-encoding'] !== undefined || (r.headers['content-length'] !== undefined && r.headers['content-length'] !== '0')) ? 'REQUEST_HEADERS:Content-Length' : undefined),
  },
  {
    id: 920620, category: 'protocol', paranoia: 1, framing: true, scope: 'request',
    description: 'more than one Content-Type header (which one would PHP parse?)',
    check: (r) => (r.contentTypes > 1 ? 'REQUEST_HEADERS:Content-Type' : undefined),
  },
  {
    id: 920270, category: 'protocol', paranoia: 1, scope: 'request',
    description: 'NUL byte in the query string, raw or percent-encoded (also double-encoded)',
    check: (r) => (r.queryHasNul ? 'QUERY_STRING' : undefined),
  },
  {
    id: 192001, category: 'protocol', paranoia: 1, scope: 'request',
    description: 'URL longer than shield.maxUrlLength (default 8192 bytes, nginx large_client_header_buffers)',
    check: (r) => (r.url.length > r.maxUrlLength ? 'REQUEST_URI' : undefined),
  },
  {
    id: 920280, category: 'protocol', paranoia: 1, framing: true, scope: 'request',
    description: 'HTTP/1.1 request with a missing or empty Host (RFC 9112 §3.2 answers 400; HTTP/1.0 may omit it)',
    check: (r) => (r.httpVersion !== '1.0' && (r.headers.host ?? '').trim() === '' && r.headers[':authority'] === undefined ? 'REQUEST_HEADERS:Host' : undefined),
  },
  {
    id: 920450, category: 'protocol', paranoia: 1, scope: 'request',
    description: 'restricted request header (`X-HTTP-Method-Override`, `X-Middleware-Subrequest`, `Content-Encoding` the rules cannot read through, `Request-Range` ...)',
    check: (r) => restrictedHeader(r, m.RESTRICTED_HEADERS),
  },
  {
    id: 920451, category: 'protocol', paranoia: 2, scope: 'request',
    description: 'header that reroutes a request inside a framework (`X-Original-URL`, `X-Rewrite-URL`) or `Accept-Charset`',
    check: (r) => restrictedHeader(r, m.RESTRICTED_HEADERS_EXTENDED),
  },
  {
    id: 920470, category: 'protocol', paranoia: 1, scope: 'request',
    description: 'Content-Type that is not a media type with parameters (CVE-2017-5638-style payloads in the header)',
    check: (r) => (r.contentType !== undefined && !m.CONTENT_TYPE_SHAPE.test(r.contentType) ? 'REQUEST_HEADERS:Content-Type' : undefined),
  },
  {
    id: 920480, category: 'protocol', paranoia: 1, scope: 'request',
    description: 'body charset other than UTF-8, ISO-8859-1/15, Windows-1252 or US-ASCII (UTF-7 or UTF-16 would hide a payload from PHP-blind rules)',
    check: (r) => {
      const charset = r.contentType === undefined ? null : /charset\s*=\s*["']?([^;"'\s]+)/.exec(r.contentType);
      return charset != null && !m.ALLOWED_CHARSETS.has((charset[1] as string).toLowerCase()) ? 'REQUEST_HEADERS:Content-Type' : undefined;
    },
  },
  {
    id: 920530, category: 'protocol', paranoia: 1, scope: 'request',
    description: 'more than one charset in the Content-Type',
    check: (r) => (r.contentType !== undefined && /charset[\s\S]*charset/.test(r.contentType) ? 'REQUEST_HEADERS:Content-Type' : undefined),
  },
  {
    id: 921421, category: 'protocol', paranoia: 1, scope: 'request',
    description: 'JSON or XML media type after the declared one in the Content-Type (a body parser chosen behind the rules\' back)',
    check: (r) => (r.contentType !== undefined && m.HIDDEN_MEDIA_TYPE.test(r.contentType) ? 'REQUEST_HEADERS:Content-Type' : undefined),
  },
  {
    id: 921422, category: 'protocol', paranoia: 2, scope: 'request',
    description: 'any media type after the declared one in the Content-Type',
    check: (r) => (r.contentType !== undefined && m.SECOND_MEDIA_TYPE.test(r.contentType) ? 'REQUEST_HEADERS:Content-Type' : undefined),
  },
  {
    id: 920520, category: 'protocol', paranoia: 1, scope: 'request',
    description: 'Accept-Encoding longer than 100 characters (CVE-2022-21907)',
    check: (r) => (typeof r.headers['accept-encoding'] === 'string' && r.headers['accept-encoding'].length > 100 ? 'REQUEST_HEADERS:Accept-Encoding' : undefined),
  },
  {
    id: 920610, category: 'protocol', paranoia: 1, scope: 'request',
    description: 'raw `#` in the request target (a fragment is never sent; servers disagree on where it ends the path)',
    check: (r) => (r.url.includes('#') ? 'REQUEST_URI_RAW' : undefined),
  },
  { id: 921110, category: 'protocol', paranoia: 1, scope: 'value', kinds: ['arg', 'arg-name'], description: 'HTTP request line inside a parameter or body (request smuggling)', check: (v) => v.value.includes('http/') && m.SMUGGLED_REQUEST.test(v.value) },
  { id: 921120, category: 'protocol', paranoia: 1, scope: 'value', kinds: ARGS_AND_COOKIES, description: 'CR or LF followed by a response header name (response splitting)', check: (v) => /[\r\n]/.test(v.value) && m.RESPONSE_SPLITTING.test(v.value) },
  { id: 921150, category: 'protocol', paranoia: 1, scope: 'value', kinds: ['arg-name'], description: 'CR or LF in a parameter name (header injection)', check: (v) => /[\r\n]/.test(v.value) },
  { id: 921151, category: 'protocol', paranoia: 2, scope: 'value', kinds: ['arg'], description: 'CR or LF in a query argument (header injection)', check: (v) => v.part.startsWith('ARGS:') && /[\r\n]/.test(v.value) },
  { id: 921250, category: 'protocol', paranoia: 1, scope: 'value', kinds: ['cookie-name'], description: 'RFC 2109 `$Version` cookie (the cookie-sandwich trick)', check: (v) => v.value.replace(/"/g, '') === '$version' },
  { id: 920271, category: 'protocol', paranoia: 2, scope: 'value', kinds: VALUES, description: 'control character (other than tab, CR, LF) in a parameter, cookie, name or header, after decoding', check: (v) => m.CONTROL_CHARACTER.test(v.value) },
  { id: 920230, category: 'protocol', paranoia: 2, scope: 'value', kinds: ['arg', 'cookie'], description: 'value still percent-encoded after decoding once (multiple URL encoding)', check: (v) => v.raw.includes('%') && /%[0-9a-f]{2}/i.test(v.decoded) },
  {
    id: 920120, category: 'protocol', paranoia: 1, scope: 'value', kinds: ['file-name', 'header'],
    description: 'upload file name with NUL, CR, LF, `"`, `\\`, `;` or `=` (where gateway, PHP and the file system would cut it differently; HTML entities allowed)',
    check: (v) => isFileName(v) && m.UPLOAD_NAME_EVASION.test(v.value.replace(/&[a-z]{2,8};/g, '')),
  },
  { id: 920121, category: 'protocol', paranoia: 2, scope: 'value', kinds: ['file-name', 'header'], description: 'upload file name with an apostrophe or an HTML entity', check: (v) => isFileName(v) && (m.UPLOAD_NAME_QUOTE.test(v.value) || /&[a-z]{2,8};/.test(v.value)) },

  // --- php-cgi argument injection ------------------------------------------------------------
  {
    id: 193901, category: 'php-cgi', paranoia: 1, scope: 'request',
    description: 'php-cgi argument injection: a query without `=` whose decoded first byte is `-` or the soft hyphen 0xAD (CVE-2012-1823, CVE-2024-4577)',
    // php-cgi reads a query without `=` as command-line arguments, split on `+` and decoded;
    // Windows' best-fit mapping turns 0xAD into `-` (CVE-2024-4577).
    check: (r) => {
      if (r.rawQuery === '' || r.rawQuery.includes('=')) return undefined;
      const first = percentDecodeRepeatedFirst(r.rawQuery);
      return first === '-' || first === '\u00ad' ? 'QUERY_STRING' : undefined;
    },
  },

  // --- PATH_INFO tricks --------------------------------------------------------------------------
  {
    id: 193101, category: 'path-info', paranoia: 1, scope: 'request',
    description: 'NUL, CR or LF in the decoded path (CVE-2019-11043 broke the PATH_INFO split with %0a)',
    check: (r) => (/[\0\r\n]/.test(r.path) ? 'REQUEST_FILENAME' : undefined),
  },
  {
    id: 193102, category: 'path-info', paranoia: 1, scope: 'request',
    description: '`.php` after a non-PHP file in the path (`/uploads/a.jpg/x.php`: an upload run as PHP under cgi.fix_pathinfo)',
    check: (r) => (m.PHP_AFTER_FILE.test(r.path) ? 'REQUEST_FILENAME' : undefined),
  },

  // --- PHP code injection (933) -----------------------------------------------------------------
  { id: 933100, category: 'php-injection', paranoia: 1, scope: 'value', kinds: VALUES, description: 'PHP open tag (`<?php`, `<?=`, `<? code`)', check: (v) => v.value.includes('<?') && m.OPEN_TAG.test(v.value) },
  {
    id: 933110, category: 'php-injection', paranoia: 1, scope: 'value', kinds: ['file-name', 'header'],
    description: 'upload of a PHP script (a file name ending .php, .phtml, .phar ...)',
    check: (v) => isFileName(v) && m.PHP_EXTENSION.test(fileName(v)),
  },
  { id: 933111, category: 'php-injection', paranoia: 2, scope: 'value', kinds: ['file-name', 'header'], description: 'upload with a PHP extension before the last one (`x.php.jpg`)', check: (v) => isFileName(v) && m.PHP_INNER_EXTENSION.test(v.value) },
  { id: 193111, category: 'php-injection', paranoia: 1, scope: 'value', kinds: ['file-name', 'header'], description: 'upload of a server or PHP config file (`.htaccess`, `.user.ini`, `web.config`) that would make its directory run scripts', check: (v) => isFileName(v) && m.SERVER_CONFIG_FILE.test(fileName(v)) },
  { id: 193113, category: 'php-injection', paranoia: 2, scope: 'value', kinds: ['file-name', 'header'], description: 'upload of other executable or active content (`.shtml`, `.cgi`, `.svg`, `.html`, `.jsp` ...)', check: (v) => isFileName(v) && m.RISKY_UPLOAD_EXTENSION.test(fileName(v)) },
  {
    id: 933120, plain: true, category: 'php-injection', paranoia: 1, scope: 'value', kinds: VALUES,
    description: 'php.ini directive set in a parameter (`allow_url_include=1`, `auto_prepend_file=...`)',
    check: (v) => (v.kind === 'arg-name' || v.kind === 'cookie-name' ? m.INI_DIRECTIVE_NAMES.has(v.value) : v.value.includes('=') && m.INI_ASSIGNMENT.test(v.value)),
  },
  { id: 193120, plain: true, category: 'php-injection', paranoia: 2, scope: 'value', kinds: VALUES, description: 'php.ini directive named anywhere in a value, set or not (`-d allow_url_include` split over arguments)', check: (v) => m.INI_DIRECTIVE_WORD.test(v.value) },
  { id: 933130, category: 'php-injection', paranoia: 1, scope: 'value', kinds: VALUES, description: 'PHP superglobal (`$_GET`, `$_SERVER`, `$GLOBALS` ...)', check: (v) => v.value.includes('$') && m.SUPERGLOBAL.test(v.value) },
  {
    id: 933160, category: 'php-injection', paranoia: 1, scope: 'value', kinds: VALUES,
    description: 'call of a dangerous PHP function with an argument (`system(`, `eval(`, `base64_decode(` ...), through comments, whitespace and string concatenation',
    check: (v) => v.value.includes('(') && m.FUNCTION_CALL.test(v.stripped),
  },
  { id: 933150, plain: true, category: 'php-injection', paranoia: 2, scope: 'value', kinds: VALUES, description: 'name of a high-risk PHP function, called or not (`shell_exec`, `base64_decode` ...)', check: (v) => m.FUNCTION_NAME.test(v.value) },
  { id: 933151, category: 'php-injection', paranoia: 2, scope: 'value', kinds: VALUES, description: 'medium-risk PHP function called (`escapeshellarg(`, `php_uname(`, `str_replace (` ...)', check: (v) => v.value.includes('(') && m.MEDIUM_RISK_FUNCTION.test(v.uncommented) },
  { id: 933131, plain: true, category: 'php-injection', paranoia: 2, scope: 'value', kinds: ARGS_AND_COOKIES, description: '$_SERVER entry named without the superglobal (`HTTP_USER_AGENT`, `QUERY_STRING`, `PATH_INFO` ...)', check: (v) => v.value.includes('_') && m.SERVER_VARIABLE.test(v.value) },
  { id: 933180, category: 'php-injection', paranoia: 1, scope: 'value', kinds: VALUES, description: 'variable function call (`$f(...)`, `${"f"}(...)`, `$_GET[a](...)`)', check: (v) => v.value.includes('$') && m.VARIABLE_FUNCTION.test(v.uncommented) },
  { id: 933210, category: 'php-injection', paranoia: 1, scope: 'value', kinds: VALUES, description: 'callable expression called at once (`("sys"."tem")("id")`, `["system"][0]("id")`)', check: (v) => v.value.includes('(') && m.CALLABLE_EXPRESSION.test(v.stripped) },

  // --- stream wrappers (933140, 933200) -------------------------------------------------------
  { id: 933140, category: 'stream-wrapper', paranoia: 1, scope: 'value', kinds: VALUES, description: '`php://` stream (php://input, php://filter) as a parameter, body field or cookie value', check: (v) => v.value.includes('php:') && m.PHP_WRAPPER.test(v.value) },
  { id: 933200, category: 'stream-wrapper', paranoia: 1, scope: 'value', kinds: VALUES, description: 'other stream wrapper as a value (`phar://`, `expect://`, `zip://`, `glob://`, `data:`, `file://` ...)', check: (v) => v.value.includes(':') && m.OTHER_WRAPPER.test(v.value) },

  // --- traversal and local file inclusion (930) -------------------------------------------------
  {
    id: 930100, category: 'traversal', paranoia: 1, scope: 'request',
    description: 'encoded path traversal in the URL (`%2e%2e%2f`, double-encoded `%252e`, overlong `%c0%ae`, `%u002e`)',
    check: (r) => (r.encodedTraversal ? 'REQUEST_URI_RAW' : undefined),
  },
  {
    id: 930110, category: 'traversal', paranoia: 1, scope: 'request',
    description: 'path traversal in the path (`/../`, `/..\\`, `....//`)',
    check: (r) => (m.DOT_DOT_SLASH.test(r.path) || r.path.endsWith('/..') ? 'REQUEST_FILENAME' : undefined),
  },
  { id: 930111, category: 'traversal', paranoia: 1, scope: 'value', kinds: ARGS_AND_COOKIES, description: 'path traversal in a parameter, body field or cookie (`../`, `..\\`, `....//`, any encoding)', check: (v) => v.value.includes('..') && m.DOT_DOT_SLASH.test(v.value) },
  { id: 930120, plain: true, category: 'traversal', paranoia: 1, scope: 'value', kinds: ARGS_AND_COOKIES, description: 'operating-system file named in a parameter, body field, cookie or their names (`/etc/passwd`, `/proc/self/environ`, `win.ini` ...)', check: (v) => m.OS_FILE.test(v.value) },
  { id: 930121, plain: true, category: 'traversal', paranoia: 2, scope: 'value', kinds: ['header'], description: 'operating-system file named in the User-Agent or Referer', check: (v) => (v.part === 'REQUEST_HEADERS:User-Agent' || v.part === 'REQUEST_HEADERS:Referer') && m.OS_FILE.test(v.value) },
  { id: 193121, category: 'traversal', paranoia: 1, scope: 'request', description: 'operating-system file named in the path', check: (r) => (m.OS_FILE.test(r.path) ? 'REQUEST_FILENAME' : undefined) },
  { id: 193110, category: 'traversal', paranoia: 2, scope: 'value', kinds: ['arg', 'cookie'], description: 'a value that ends in a parent directory (`..`, `images/..`), which a path joined to it climbs out of', check: (v) => v.value.includes('..') && m.TRAILING_DOT_DOT.test(v.value) },

  // --- sensitive files (930130 and local) -------------------------------------------------------
  { id: 930130, category: 'sensitive-file', paranoia: 1, scope: 'request', description: 'restricted file: `.env*`, `.git/`, `.svn/`, `.htpasswd`, `composer.*`, `vendor/` scripts, config backups', check: (r) => (m.RESTRICTED_FILE.test(r.path) ? 'REQUEST_FILENAME' : undefined) },
  { id: 193010, category: 'sensitive-file', paranoia: 1, scope: 'request', description: 'backup or database dump (`.sql`, `.bak`, `.old`, `.swp`, `~`, `backup.zip` ...)', check: (r) => (m.BACKUP_FILE.test(r.path) ? 'REQUEST_FILENAME' : undefined) },
  { id: 920440, category: 'sensitive-file', paranoia: 1, scope: 'request', description: 'restricted file extension (`.inc`, `.ini`, `.conf`, `.log`, `.key`, `.pem`, `.sqlite` ...)', check: (r) => (m.RESTRICTED_EXTENSION.test(r.path) ? 'REQUEST_BASENAME' : undefined) },
  { id: 193011, category: 'sensitive-file', paranoia: 1, scope: 'request', description: 'PHP developer tool (PHPUnit `eval-stdin.php`, `phpinfo.php`, Adminer, profilers)', check: (r) => (m.DEV_TOOL.test(r.path) ? 'REQUEST_FILENAME' : undefined) },
  { id: 193012, plain: true, category: 'sensitive-file', paranoia: 1, scope: 'value', kinds: NAMES, description: 'Xdebug trigger (`XDEBUG_SESSION_START`, `XDEBUG_TRIGGER` parameter or `XDEBUG_SESSION` cookie)', check: (v) => m.XDEBUG_TRIGGERS.has(v.value) },

  // --- PHP object injection (933170 and local) ---------------------------------------------------
  { id: 933170, category: 'object-injection', paranoia: 1, scope: 'value', kinds: VALUES, description: 'serialized PHP object (`O:8:"stdClass":...`, `C:...`), also inside a serialized array', check: (v) => v.value.includes(':{') && m.SERIALIZED_OBJECT.test(v.value) },
  {
    id: 193902, plain: true, category: 'object-injection', paranoia: 1, scope: 'value', kinds: ['arg', 'cookie'],
    description: 'base64-wrapped serialized PHP object',
    check: (v) => {
      // `O:`, `C:` and `a:` start as `Tz`, `Qz` and `YT` in base64: most values have none of them.
      if (!/Tz|Qz|YT/.test(v.raw)) return false;
      const token = v.decoded.trim();
      if (!m.BASE64_SERIALIZED.test(token)) return false;
      return m.SERIALIZED_OBJECT.test(Buffer.from(token, 'base64').toString('latin1').toLowerCase());
    },
  },
];

/** What the HTTP/1.1 codec (src/listener/http1) refuses before any rule runs: listed, not duplicated. */
export const CODEC_COVERED: readonly { readonly id: string; readonly description: string }[] = [
  { id: '920100', description: 'malformed request line' },
  { id: '920160', description: 'Content-Length that is not a number, or several that differ' },
  { id: '920181', description: 'Content-Length together with Transfer-Encoding (request smuggling, RFC 9112 §6.1)' },
  { id: '921140', description: 'bare CR or LF and obs-fold in header fields (header injection)' },
  { id: '-', description: 'duplicate Host' },
  { id: '-', description: 'bad chunk size or chunk framing' },
  { id: '-', description: 'request line plus headers over limits.headerSize (431), body over the route limit (413)' },
];

export const RULES_BY_ID: ReadonlyMap<number, ShieldRule> = new Map(RULES.map((r) => [r.id, r]));

/** The first request header whose name is in `names`, as the audit log names it. */
function restrictedHeader(r: RequestFacts, names: ReadonlySet<string>): string | undefined {
  for (const name in r.headers) if (names.has(name)) return `REQUEST_HEADERS:${name}`;
  return undefined;
}

/** The first byte of the query as php-cgi would see it after decoding (`%252d` too). */
function percentDecodeRepeatedFirst(query: string): string {
  let value = query.slice(0, 64);
  for (let i = 0; i < 3; i++) value = percentDecode(value, true);
  return value.charAt(0);
}
