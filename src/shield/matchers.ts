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

/** `../`, `..\`, `..;/` (a `;` path parameter), and the `....//` that a single naive `../` removal turns back into `../`. */
export const DOT_DOT_SLASH = /(?:^|[/\\:;=])\.{2,}[/\\;]/;

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
export const PHP_EXTENSION = /\.(?:php\d*|phtml|phar|pht|phpt|phps|pgif|inc)$/;

/** A non-PHP file segment followed by a `.php` name later in the path: `/uploads/a.jpg/x.php`. */
export const PHP_AFTER_FILE = /\.(?:jpe?g|png|gif|webp|bmp|ico|svg|txt|pdf|css|js|json|xml|zip|gz|tar|docx?|xlsx?|csv|mp[34]|avi|mov|html?|md|log|sql|bak)\/(?:[^/]*\/)*[^/]*\.(?:php\d?|phtml|phar)(?:\/|$)/;

/** A serialized object (`O:8:"stdClass":1:{`) or custom-serialized one (`C:`), also inside an array. */
export const SERIALIZED_OBJECT = /(?:^|[;{}])\s*[oc]:\+?\d{1,5}:"[^"]{1,256}":\d{1,5}:\{/;

/** A base64 token long enough to hold a serialized object, beginning as `O:`/`C:`/`a:` would encode. */
export const BASE64_SERIALIZED = /^(?:Tz|Qz|YT)[A-Za-z0-9+/]{14,}={0,2}$/;

// --- uploads, names and protocol details (CRS 920120, 920450, 920470, 920480, 921120 ...) ---------

/** Files that change how the server runs what sits beside them: an upload of one turns a directory of images into scripts. */
export const SERVER_CONFIG_FILE = /(?:^|[/\\])(?:\.htaccess|\.htpasswd|\.user\.ini|php\.ini|web\.config)$/;

/**
 * A multipart file name with the characters that make gateway and PHP disagree on where the name
 * ends (RFC 7578 leaves quoting loose; PHP reads `\` and `;` its own way) or that a file system
 * cuts at (NUL, CR, LF): `a.jpg\0.php`, `x.php";.jpg`.
 */
export const UPLOAD_NAME_EVASION = /[\0\r\n"\\;=]/;

/** Paranoia 2: an apostrophe too (CRS 920121's stricter set); "Tom's photo.jpg" is why level 1 allows it. */
export const UPLOAD_NAME_QUOTE = /'/;

/** Paranoia 2: a PHP extension followed by another one (`x.php.jpg`): run as PHP where a server maps by any extension. */
export const PHP_INNER_EXTENSION = /\.(?:php\d*|phtml|phar|pht|phpt)\./;

/** Paranoia 2: uploads of other executable or active content (`.shtml`, `.cgi`, `.svg`, `.html` ...). */
export const RISKY_UPLOAD_EXTENSION = /\.(?:s?html?|xhtml|svgz?|xml|xsl|js|mjs|swf|cgi|pl|py|rb|sh|bash|asp|aspx|ashx|asmx|jsp|jspx|cfm|exe|dll|bat|cmd|com|ps1|vbs|jar|war)$/;

/** CR or LF followed by a response header name: response splitting through a reflected value (921120). */
export const RESPONSE_SPLITTING = /[\r\n][^\w]*(?:content-(?:type|length)|set-cookie|location|refresh|x-forwarded-(?:for|host)|host)\s*:/;

/** An HTTP request line inside a value (921110): a second request hidden in the first. */
export const SMUGGLED_REQUEST = /(?:^|[\s;'"])(?:get|post|head|put|delete|options|patch|trace|connect|propfind|mkcol|move|copy|lock|unlock)\s+\S+\s+http\/\d/;

/**
 * Restricted request headers (920450): method overrides, WebDAV and framework-internal ones, a
 * body encoding the rules cannot read through, the obsolete Request-Range (920660). httpoxy's
 * `Proxy` is not among them: the FastCGI params never carry it (HTTP_PROXY is not set), so a
 * client that sends one is served without it.
 */
export const RESTRICTED_HEADERS: ReadonlySet<string> = new Set([
  'lock-token', 'content-range', 'if', 'x-http-method-override', 'x-http-method', 'x-method-override', 'x-middleware-subrequest', 'content-encoding',
  'request-range',
]);

/** Paranoia 2 (920451): headers that reroute a request inside frameworks (Symfony's X-Original-URL, CVE-2018-14773) or pick a charset. */
export const RESTRICTED_HEADERS_EXTENDED: ReadonlySet<string> = new Set(['accept-charset', 'x-original-url', 'x-rewrite-url']);

/** A Content-Type as RFC 9110 writes it: a type/subtype and `; name=value` parameters (920470). */
export const CONTENT_TYPE_SHAPE = /^[\w.+*-]+\/[\w.+*-]+(?:\s*;\s*[\w.-]+\s*=\s*(?:"[^"\r\n]*"|[\w.()+,/:=?<>@#*'-]+))*\s*;?\s*$/;

/** A dangerous media type after the declared one (921421): `text/plain; x=application/json` picks another body parser somewhere. */
export const HIDDEN_MEDIA_TYPE = /^[^\s,;]+[\s,;].*?(?:application\/(?:[\w.-]+\+)?json|(?:application\/(?:soap\+)?|text\/)xml)/;

/** Extensions a PHP site keeps beside its scripts and never serves (920440's idea): includes, configs, keys, logs, databases. */
export const RESTRICTED_EXTENSION = /\.(?:inc|ini|conf|cfg|config|log|key|pem|p12|pfx|db|sqlite3?|mdb|pwd|pass|bat|cmd|dll|sys|pdb|lnk|cer|csr|asa|asax|htr|htw|ida|idc|idq)$/;

/** The charsets a body may declare (920480): PHP and the rules read these as they are; UTF-7 or UTF-16 would hide a payload. */
export const ALLOWED_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'iso-8859-1', 'iso-8859-15', 'windows-1252', 'us-ascii']);

/** Paranoia 2 (921422): a media type named again after the declared one (`text/plain; x=application/json`). */
export const SECOND_MEDIA_TYPE = /^[^\s,;]+[\s,;].*?\b(?:text|multipart|application|audio|video|image)\/[\w.+-]+/;

/**
 * Paranoia 2 (933151): PHP functions of medium risk, matched as a word when the value also holds
 * a `(`. Our own choice of names that show up in injected code and rarely in text.
 */
const MEDIUM_RISK_FUNCTIONS = [
  'addslashes', 'array_walk', 'array_walk_recursive', 'array_reduce', 'iterator_apply', 'ob_start', 'set_error_handler', 'set_exception_handler',
  'spl_autoload_register', 'func_get_args', 'forward_static_call', 'forward_static_call_array', 'is_callable', 'function_exists', 'method_exists',
  'class_exists', 'get_class_methods', 'reflectionfunction', 'debug_backtrace', 'error_reporting', 'ini_get', 'ini_get_all', 'ini_restore',
  'set_include_path', 'get_include_path', 'php_uname', 'phpversion', 'php_sapi_name', 'getmypid', 'getmyuid', 'get_current_user', 'getcwd',
  'posix_getpwuid', 'posix_getuid', 'posix_uname', 'escapeshellarg', 'escapeshellcmd', 'proc_get_status', 'proc_nice', 'proc_terminate',
  'stream_get_contents', 'stream_context_create', 'fgets', 'fread', 'fgetc', 'file_exists', 'is_writable', 'is_writeable', 'is_readable',
  'tempnam', 'tmpfile', 'touch', 'chown', 'chgrp', 'lchown', 'link', 'readlink', 'realpath', 'rmdir', 'disk_free_space', 'fileperms',
  'serialize', 'json_decode', 'gzcompress', 'gzdeflate', 'gzencode', 'bzdecompress', 'str_replace', 'preg_replace', 'preg_match',
  'strrev', 'strtr', 'substr', 'chr', 'ord', 'pack', 'unpack', 'urldecode', 'rawurldecode', 'base64_encode', 'md5', 'sha1', 'crc32',
  'header', 'setcookie', 'session_start', 'session_id', 'curl_init', 'curl_setopt', 'socket_create', 'socket_connect', 'mysqli_query',
  'mysql_query', 'pg_query', 'simplexml_load_string', 'simplexml_load_file', 'libxml_disable_entity_loader', 'imagecreatefromstring',
] as const;
export const MEDIUM_RISK_FUNCTION = new RegExp(`(?:^|[^\\w$>:])(?:${MEDIUM_RISK_FUNCTIONS.join('|')})\\s*\\(`);

/** Paranoia 2: a php.ini directive named at all, not only set with `=` (`-d allow_url_include` split over arguments). */
export const INI_DIRECTIVE_WORD = new RegExp(`(?:^|[^\\w.])(?:${INI_DIRECTIVES.filter((d) => d.includes('_') || d.includes('.')).map((d) => d.replace(/\./g, '\\.')).join('|')})(?:[^\\w]|$)`);

/**
 * Paranoia 2 (933131 at CRS level 3): the $_SERVER entries injected code reads (`HTTP_USER_AGENT`,
 * `PATH_INFO`, `QUERY_STRING` ...), by name, since variable variables hide the `$_SERVER`.
 */
export const SERVER_VARIABLE = /(?:^|[^\w])(?:http_(?:accept(?:_(?:encoding|language|charset))?|x_forwarded_for|referer|user_agent|host|connection|keep_alive|cookie)|path_(?:translated|info)|orig_path_info|query_string|request_uri|request_method|script_filename|document_root|remote_addr|server_addr|auth_type)(?:[^\w]|$)/;

/** Paranoia 2: a value that is a parent directory (`..`, `a/..`), which a joined path climbs out of without a trailing slash. */
export const TRAILING_DOT_DOT = /(?:^|[/\\])\.{2,}\s*$/;

/** Paranoia 2 (920271): control characters other than tab, CR and LF, after decoding. */
export const CONTROL_CHARACTER = /[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]/;
