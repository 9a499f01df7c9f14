/**
 * The patterns behind the shield's rules, written for this project from what each OWASP CRS rule
 * family detects (933 PHP, 930 LFI, 920/921 protocol): every pattern reads a value already
 * normalized by decode.ts (decoded, lowercased), so none needs to spell out encodings or case.
 * Where a benign look-alike is common (prose that names `eval()`, a `?sort=-created_at`, a blog
 * post that mentions `php://input`) the pattern is narrowed to the shape an attack needs, and
 * the comment says how.
 */

/** `<?php`, `<?=` and a short open tag followed by code (`<? system(...)`). */
export const OPEN_TAG = /<\?(?:php\b|=|\s+[\w$@])/;

/**
 * Functions an injected payload calls to run commands, evaluate code, read or write files or
 * unpack an obfuscated stage. Matched as a call with an argument (see FUNCTION_CALL): prose that
 * says "avoid eval()" names the function but passes it nothing.
 */
const DANGEROUS_FUNCTIONS = [
  'eval', 'assert', 'system', 'exec', 'passthru', 'shell_exec', 'popen', 'proc_open', 'pcntl_exec', 'pcntl_fork',
  'base64_decode', 'str_rot13', 'gzinflate', 'gzuncompress', 'gzdecode', 'hex2bin', 'convert_uudecode',
  'create_function', 'call_user_func', 'call_user_func_array', 'array_map', 'array_filter', 'usort', 'preg_replace_callback', 'register_shutdown_function',
  'include', 'include_once', 'require', 'require_once', 'file_get_contents', 'file_put_contents', 'fopen', 'fwrite', 'fputs', 'readfile', 'file',
  'highlight_file', 'show_source', 'phpinfo', 'unlink', 'rename', 'copy', 'move_uploaded_file', 'symlink', 'chmod', 'mkdir',
  'fsockopen', 'pfsockopen', 'stream_socket_client', 'curl_exec', 'posix_kill', 'posix_setuid', 'putenv', 'ini_set', 'ini_alter', 'dl', 'mail', 'unserialize',
  'getenv', 'get_defined_vars', 'extract', 'parse_str', 'var_dump', 'print_r', 'scandir', 'glob', 'opendir',
] as const;

/** Names that only appear in code, never in prose: matched even without a call at paranoia 2. */
const UNAMBIGUOUS_FUNCTIONS = DANGEROUS_FUNCTIONS.filter((f) => f.includes('_') || ['phpinfo', 'gzinflate', 'hex2bin', 'passthru', 'fsockopen'].includes(f));

const FUNCTIONS = DANGEROUS_FUNCTIONS.join('|');

/**
 * A call of one of those functions, read on the noise-stripped value (comments, whitespace and
 * `'sys'.'tem'` joins removed): the name not preceded by a word character, `$` (that is a variable
 * function, its own rule) or `->`/`::` (a method), optional closing quotes or parentheses (
 * `("system")(...)`), then `(` and the start of an argument: a quote, a variable, a backtick or a
 * nested call. `eval()` in prose passes.
 */
export const FUNCTION_CALL = new RegExp(`(?:^|[^\\w$>:])(?:${FUNCTIONS})["')\\]]*\\((?:["'$\`]|[a-z_][\\w]*\\(|@)`);

/** Paranoia 2: an unambiguous function name anywhere (`base64_decode` in any value). */
export const FUNCTION_NAME = new RegExp(`(?:^|[^\\w])(?:${UNAMBIGUOUS_FUNCTIONS.join('|')})(?:[^\\w]|$)`);

/**
 * Variable functions: `$f(...)`, `$_GET['a'](...)`, `${'f'}(...)`, `$a{0}(...)`. With a space
 * before the parenthesis only when an argument follows that only code has (a quote or `$`):
 * "$total (incl. VAT)" is prose. Read on the value with comments removed.
 */
export const VARIABLE_FUNCTION = /\$(?:[a-z_\x7f-\xff][\w\x7f-\xff]*|\{[^}]{1,100}\})(?:\[[^\]]{0,100}\]|\{[^}]{0,100}\})*(?:\(|\s+\(\s*["'$])/;

/** A callable built from a string or expression and called at once: `("sys"."tem")("id")`, `['system'][0]('id')`. */
export const CALLABLE_EXPRESSION = /(?:\(["'][\w\\]{2,64}["']\)|\[["'][\w\\]{2,64}["']\](?:\[\d+\])?)\(["'$`]/;

/** PHP superglobals, the way injected code reads the attacker's next input. */
export const SUPERGLOBAL = /\$(?:_(?:get|post|cookie|request|server|env|files|session)\b|globals\b|http_(?:raw_post_data|get_vars|post_vars|cookie_vars|server_vars|env_vars|post_files)\b)/;

/** php.ini directives an attacker sets (`-d allow_url_include=1`, `auto_prepend_file=php://input`). */
const INI_DIRECTIVES = [
  'allow_url_include', 'allow_url_fopen', 'auto_prepend_file', 'auto_append_file', 'disable_functions', 'disable_classes', 'open_basedir',
  'safe_mode', 'register_globals', 'cgi.force_redirect', 'cgi.redirect_status_env', 'enable_dl', 'file_uploads', 'display_errors', 'error_log',
  'include_path', 'doc_root', 'user_dir', 'extension_dir', 'extension', 'zend_extension', 'sendmail_path', 'mail.log', 'session.save_path',
  'session.upload_progress.enabled', 'user_ini.filename', 'phar.readonly', 'suhosin.simulation', 'xdebug.remote_enable', 'xdebug.mode', 'opcache.file_cache',
] as const;
export const INI_DIRECTIVE_NAMES: ReadonlySet<string> = new Set(INI_DIRECTIVES);
export const INI_ASSIGNMENT = new RegExp(`(?:^|[^\\w.])(?:${INI_DIRECTIVES.map((d) => d.replace(/\./g, '\\.')).join('|')})\\s*=`);

/**
 * `php://` at the start of a value: what an include or fopen of a parameter opens. Anchored so a
 * post that explains `php://input` in a sentence passes.
 */
export const PHP_WRAPPER = /^\s*php:\/\//;

/** Other stream wrappers an include or fopen would follow, at the start of a value. */
export const OTHER_WRAPPER = /^\s*(?:(?:phar|expect|zip|zlib|compress\.zlib|compress\.bzip2|glob|ssh2\.[a-z]+|rar|ogg|file)\s*:\/\/|data:[\w.+-]*(?:\/[\w.+-]+)?(?:;[\w.+=-]+)*,)/;

/** `../`, `..\`, and the `....//` that a single naive `../` removal turns back into `../`. */
export const DOT_DOT_SLASH = /(?:^|[/\\:;=])\.{2,}[/\\]/;

/** Operating-system files read through an inclusion (CRS 930120's idea, our own list). */
export const OS_FILE = /(?:^|[/\\])(?:etc[/\\]+(?:passwd|shadow|group|gshadow|hosts|issue|motd|crontab|sudoers|hostname|fstab|mysql[/\\]|nginx[/\\]|apache2[/\\]|php[/\\])|proc[/\\]+(?:self|\d+|thread-self)[/\\]|windows[/\\]+(?:system32|win\.ini)|boot\.ini|win\.ini|system\.ini|\.ssh[/\\]|id_rsa|authorized_keys|\.bash_history|var[/\\]+log[/\\]|usr[/\\]+local[/\\]+etc[/\\])/;

/** Restricted files by path (CRS 930130's idea): secrets, version control, dependency metadata. */
export const RESTRICTED_FILE = /(?:^|\/)(?:\.env(?:\.[\w.-]*)?$|\.env\/|\.(?:git|svn|hg|bzr|cvs)(?:\/|$)|\.ht(?:access|passwd|digest)$|\.ds_store$|\.(?:idea|vscode)\/|\.user\.ini$|web\.config$|composer\.(?:json|lock|phar)$|auth\.json$|vendor\/(?:composer|bin)\/|vendor\/.*\.php$|(?:wp-config|config|configuration|settings|local\.settings|database)\.php[.~_-][\w.~-]*$|\.php~$)/;

/** Backups and database dumps left in the document root. */
export const BACKUP_FILE = /(?:\.(?:sql|dump|bak|backup|old|orig|save|swp|swo|tmp)(?:\.(?:gz|bz2|xz|zip|7z))?$|~$|(?:^|\/)(?:backup|backups|dump|db|database|site|www|htdocs|public_html)\.(?:zip|tar|tar\.gz|tgz|gz|bz2|7z|rar)$)/;

/** PHP developer tools that must never be reachable from outside. */
export const DEV_TOOL = /(?:^|\/)(?:eval-stdin\.php$|phpinfo\.php$|php_?info\.php$|info\.php$|adminer(?:-[\d.]+)?\.php$|phpunit\/|_profiler\/|xdebug)/;

/** Xdebug triggers: a parameter or cookie that starts a debugger or profiler session. */
export const XDEBUG_TRIGGERS: ReadonlySet<string> = new Set(['xdebug_session_start', 'xdebug_session', 'xdebug_trigger', 'xdebug_profile', 'xdebug_trace', 'xdebug_session_stop']);

/** Script extensions PHP executes (php-fpm's default security.limit_extensions plus common handlers). */
export const PHP_EXTENSION = /\.(?:php\d?|phtml|phar|pht|phps|pgif|inc)$/;

/** A non-PHP file segment followed by a `.php` name later in the path: `/uploads/a.jpg/x.php`. */
export const PHP_AFTER_FILE = /\.(?:jpe?g|png|gif|webp|bmp|ico|svg|txt|pdf|css|js|json|xml|zip|gz|tar|docx?|xlsx?|csv|mp[34]|avi|mov|html?|md|log|sql|bak)\/(?:[^/]*\/)*[^/]*\.(?:php\d?|phtml|phar)(?:\/|$)/;

/** A serialized object (`O:8:"stdClass":1:{`) or custom-serialized one (`C:`), also inside an array. */
export const SERIALIZED_OBJECT = /(?:^|[;{}])\s*[oc]:\+?\d{1,5}:"[^"]{1,256}":\d{1,5}:\{/;

/** A base64 token long enough to hold a serialized object, beginning as `O:`/`C:`/`a:` would encode. */
export const BASE64_SERIALIZED = /^(?:Tz|Qz|YT)[A-Za-z0-9+/]{14,}={0,2}$/;
