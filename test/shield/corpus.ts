/**
 * The shield's attack corpus: raw HTTP requests per category, each an attack the shield must stop
 * before PHP, and benign look-alikes it must let through. A request is written as the bytes
 * after the request line's method and target: headers (besides Host, X-Request-Id and
 * Connection, added by the test) and a body.
 */
import type { ShieldCategory } from '../../src/shield/catalogue.js';

export interface CorpusRequest {
  readonly name: string;
  readonly method?: string;
  readonly target: string;
  readonly headers?: readonly string[];
  readonly body?: string;
}

export const form = (body: string): Pick<CorpusRequest, 'method' | 'headers' | 'body'> => ({ method: 'POST', headers: ['Content-Type: application/x-www-form-urlencoded'], body });
export const json = (body: string): Pick<CorpusRequest, 'method' | 'headers' | 'body'> => ({ method: 'POST', headers: ['Content-Type: application/json'], body });
export const multipart = (name: string, filename: string | undefined, content: string): Pick<CorpusRequest, 'method' | 'headers' | 'body'> => ({
  method: 'POST',
  headers: ['Content-Type: multipart/form-data; boundary=XyZ'],
  body: `--XyZ\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n\r\n${content}\r\n--XyZ--\r\n`,
});

export const ATTACKS: Readonly<Record<ShieldCategory, readonly CorpusRequest[]>> = {
  protocol: [
    { name: 'GET with a body', target: '/echo.php', headers: ['Content-Length: 11'], body: 'cmd=id&x=12' },
    { name: 'GET with a chunked body', target: '/echo.php', headers: ['Transfer-Encoding: chunked'], body: '3\r\nabc\r\n0\r\n\r\n' },
    { name: 'two Content-Types', ...form('a=1'), headers: ['Content-Type: application/x-www-form-urlencoded', 'Content-Type: application/json'], target: '/echo.php' },
    { name: 'NUL in the query', target: '/echo.php?file=report%00.txt' },
    { name: 'double-encoded NUL in the query', target: '/echo.php?file=report%2500.txt' },
    { name: 'URL over 8 KiB', target: `/echo.php?q=${'a'.repeat(9000)}` },
    { name: 'Next.js-style internal subrequest header', target: '/echo.php', headers: ['X-Middleware-Subrequest: middleware:middleware'] },
    { name: 'method override header', ...form('a=1'), headers: ['Content-Type: application/x-www-form-urlencoded', 'X-HTTP-Method-Override: DELETE'], target: '/echo.php' },
    { name: 'compressed request body the rules cannot read', ...form('x'), headers: ['Content-Type: application/x-www-form-urlencoded', 'Content-Encoding: gzip'], target: '/echo.php' },
    { name: 'OGNL in the Content-Type', method: 'POST', headers: ["Content-Type: %{(#_='multipart/form-data').(#cmd='id')}"], body: 'a=1', target: '/echo.php' },
    { name: 'UTF-7 body', ...form('q=%2BADw-script%2BAD4-'), headers: ['Content-Type: application/x-www-form-urlencoded; charset=utf-7'], target: '/echo.php' },
    { name: 'two charsets', ...form('q=1'), headers: ['Content-Type: application/x-www-form-urlencoded; charset=utf-8; charset=utf-8'], target: '/echo.php' },
    { name: 'JSON named after the declared type', ...form('q=1'), headers: ['Content-Type: text/plain; x=application/json'], target: '/echo.php' },
    { name: 'oversized Accept-Encoding', target: '/echo.php', headers: [`Accept-Encoding: ${'gzip, '.repeat(20)}br`] },
    { name: 'raw # in the target', target: '/echo.php?x=1#/../../.env' },
    { name: 'request line in a form field', ...form('x=GET+%2Fadmin+HTTP%2F1.1'), target: '/echo.php' },
    { name: 'response splitting in a parameter', target: '/echo.php?next=%0d%0aSet-Cookie:%20sid=attacker' },
    { name: 'LF in a parameter name', target: '/echo.php?a%0ab=1' },
    { name: 'RFC 2109 $Version cookie', target: '/echo.php', headers: ['Cookie: $Version=1; sid=abc'] },
    { name: 'NUL in an upload file name', ...multipart('file', 'avatar.php\0.jpg', 'GIF89a'), target: '/echo.php' },
    { name: 'semicolon in an upload file name', ...multipart('file', 'shell.php;.jpg', 'GIF89a'), target: '/echo.php' },
  ],
  'php-cgi': [
    { name: 'CVE-2012-1823 -s', target: '/index.php?-s' },
    { name: 'CVE-2012-1823 -d auto_prepend_file', ...form('<?php echo 1; ?>'), target: '/index.php?-d+allow_url_include%3don+-d+auto_prepend_file%3dphp%3a//input' },
    { name: 'CVE-2024-4577 soft hyphen', target: '/index.php?%ADd+allow_url_include%3d1' },
    { name: 'encoded hyphen', target: '/?%2ds' },
  ],
  'path-info': [
    // CR and LF in the path (CVE-2019-11043's %0a) reach a `.*` catch-all as Laravel's DOTALL
    // routes do, so rule 193101 answers them on every route kind.
    { name: 'LF in PATH_INFO on a catch-all route (CVE-2019-11043)', target: '/index.php/PHP%0Ais_the_shortest_path.php?a=1' },
    { name: 'CR in the path', target: '/uploads/avatar.jpg%0d.php' },
    { name: 'double-encoded LF in the path', target: '/index.php/x%250Ay.php' },
    { name: 'NUL before .php', target: '/uploads/avatar.jpg%00.php' },
    { name: 'NUL in PATH_INFO', target: '/index.php/a%00b' },
    { name: 'upload run as PHP via an empty name', target: '/uploads/avatar.jpg/.php' },
    { name: 'upload run as PHP', target: '/uploads/avatar.jpg/x.php' },
    { name: 'upload run as PHP, encoded slash', target: '/uploads/avatar.jpg%2findex.php' },
  ],
  'php-injection': [
    { name: 'open tag in a parameter', target: '/echo.php?x=%3C%3Fphp%20echo%201%3B' },
    { name: 'short echo tag as HTML entities', target: '/echo.php?x=%26%23x3c%3B%3F%3D%20%24a' },
    { name: 'system( in a form field', ...form('cmd=system(%27id%27)'), target: '/echo.php' },
    { name: 'eval with comment and whitespace tricks', target: '/echo.php?x=ev/**/al%20(%24_POST%5Bx%5D)' },
    { name: 'string concatenation', target: "/echo.php?x=%22sys%22.%22tem%22(%22id%22)" },
    { name: 'base64_decode call in JSON', ...json('{"data":{"tpl":"base64_decode(\'c3lzdGVt\')"}}'), target: '/echo.php' },
    { name: 'passthru in a cookie', target: '/echo.php', headers: ["Cookie: theme=passthru('ls')"] },
    { name: 'shell_exec in multipart field', ...multipart('comment', undefined, 'x;shell_exec("cat /etc/hosts");'), target: '/echo.php' },
    { name: 'variable function', target: '/echo.php?a=%24f(%22id%22)' },
    { name: 'variable variable function', target: "/echo.php?a=%24%7B'sys'%7D('id')" },
    { name: 'callable expression', target: "/echo.php?a=('system')('id')" },
    { name: 'superglobal', target: '/echo.php?a=%24_SERVER%5BHTTP_X%5D' },
    { name: 'php.ini directive', target: '/echo.php?cfg=allow_url_include%3D1' },
    { name: 'php.ini directive as parameter name', target: '/echo.php?auto_prepend_file=x' },
    { name: 'open tag in User-Agent (log poisoning)', target: '/echo.php', headers: ['User-Agent: <?php system($_GET[c]); ?>'] },
    { name: 'PHP upload', ...multipart('file', 'shell.php', '<?php echo 1;'), target: '/echo.php' },
    { name: 'PHP upload with trailing dot', ...multipart('file', 'shell.phtml.', 'GIF89a'), target: '/echo.php' },
    { name: 'PHP upload as .php7', ...multipart('file', 'shell.php7', 'GIF89a'), target: '/echo.php' },
    { name: 'PHP upload named in X-File-Name', method: 'POST', headers: ['Content-Type: application/octet-stream', 'X-File-Name: shell.phar'], body: 'GIF89a', target: '/echo.php' },
    { name: '.htaccess upload', ...multipart('file', '.htaccess', 'AddType application/x-httpd-php .jpg'), target: '/echo.php' },
    { name: '.user.ini upload', ...multipart('file', '.user.ini', 'auto_prepend_file=avatar.jpg'), target: '/echo.php' },
    { name: 'function call in a parameter name', target: "/echo.php?system('id')=1" },
    { name: 'open tag in a cookie name', target: '/echo.php', headers: ['Cookie: <?php echo 1?>=1'] },
    { name: 'superglobal in a multipart field name', ...multipart('$_SERVER[x]', undefined, '1'), target: '/echo.php' },
    { name: 'php.ini directive as a cookie name', target: '/echo.php', headers: ['Cookie: auto_prepend_file=php://input'] },
  ],
  'stream-wrapper': [
    { name: 'php://filter', target: '/echo.php?page=php://filter/convert.base64-encode/resource=index.php' },
    { name: 'php://input encoded', target: '/echo.php?page=php%3A%2F%2Finput' },
    { name: 'phar://', ...form('file=phar%3A%2F%2Fuploads%2Favatar.jpg%2Fx'), target: '/echo.php' },
    { name: 'expect://', target: '/echo.php?u=expect://id' },
    { name: 'data: wrapper', target: '/echo.php?u=data:text/plain;base64,PD9waHAgc3lzdGVtKCdpZCcpOw==' },
    { name: 'zip:// in a cookie', target: '/echo.php', headers: ['Cookie: tpl=zip://uploads/a.zip%23x.php'] },
    { name: 'glob:// in JSON', ...json('{"dir":"glob:///var/www/*"}'), target: '/echo.php' },
  ],
  traversal: [
    { name: '../ in a parameter', target: '/echo.php?file=../../../../etc/hosts' },
    { name: 'encoded traversal', target: '/echo.php?file=%2e%2e%2f%2e%2e%2fconfig' },
    { name: 'double-encoded traversal', target: '/echo.php?file=%252e%252e%252fconfig' },
    { name: 'overlong UTF-8 traversal', target: '/echo.php?file=%c0%ae%c0%ae%c0%afconfig' },
    { name: '....// filter bypass', target: '/echo.php?file=....//....//config' },
    { name: 'backslash traversal in a cookie', target: '/echo.php', headers: ['Cookie: lang=..%5c..%5cwindows'] },
    { name: '/etc/passwd', target: '/echo.php?file=/etc/passwd' },
    { name: '/proc/self/environ', ...form('f=%2Fproc%2Fself%2Fenviron'), target: '/echo.php' },
    { name: 'encoded traversal in the path', target: '/static/%2e%2e/%2e%2e/echo.php' },
    { name: '..;/ in a parameter', target: '/echo.php?file=..;/..;/config' },
    { name: 'OS file as a cookie name', target: '/echo.php', headers: ['Cookie: ..%2F..%2Fetc%2Fpasswd=1'] },
    { name: 'traversal in a JSON key', ...json('{"../../etc/hosts":"x"}'), target: '/echo.php' },
  ],
  'sensitive-file': [
    { name: '.env', target: '/.env' },
    { name: '.env.production', target: '/.env.production' },
    { name: '.git/config', target: '/.git/config' },
    { name: 'composer.json', target: '/composer.json' },
    { name: 'composer.lock encoded', target: '/compo%73er.lock' },
    { name: 'database dump', target: '/backup.sql' },
    { name: 'editor backup', target: '/wp-config.php~' },
    { name: 'PHPUnit eval-stdin', ...form('<?php echo 1;'), headers: ['Content-Type: text/plain'], target: '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php' },
    { name: 'phpinfo.php', target: '/phpinfo.php' },
    { name: 'PHP include file', target: '/includes/db.inc' },
    { name: 'config .ini', target: '/config.ini' },
    { name: 'application log', target: '/storage/logs/laravel.log' },
    { name: 'Xdebug parameter', target: '/echo.php?XDEBUG_SESSION_START=phpstorm' },
    { name: 'Xdebug cookie', target: '/echo.php', headers: ['Cookie: XDEBUG_SESSION=1'] },
  ],
  'object-injection': [
    { name: 'serialized object in a cookie', target: '/echo.php', headers: ['Cookie: cart=O:8:"stdClass":1:{s:1:"a";i:1;}'] },
    { name: 'object in a serialized array', ...form('data=a%3A1%3A%7Bi%3A0%3BO%3A4%3A%22Evil%22%3A0%3A%7B%7D%7D'), target: '/echo.php' },
    { name: 'custom-serialized object', target: '/echo.php?d=C:11:%22ArrayObject%22:21:%7Bx:i:0;a:0:%7B%7D;m:a:0:%7B%7D%7D' },
    { name: 'plus-signed length', target: '/echo.php?d=O:%2B4:%22Evil%22:0:%7B%7D' },
    { name: 'serialized object in the User-Agent', target: '/echo.php', headers: ['User-Agent: O:8:"stdClass":1:{s:1:"a";i:1;}'] },
    { name: 'base64-wrapped object', target: `/echo.php?d=${encodeURIComponent(Buffer.from('O:4:"Evil":0:{}').toString('base64'))}` },
  ],
};

export const BENIGN: Readonly<Record<string, readonly CorpusRequest[]>> = {
  search: [
    { name: 'search for -discount', target: '/echo.php?q=-discount' },
    { name: 'Laravel sort descending', target: '/echo.php?sort=-created_at&page=2' },
    { name: 'query with a dash value only', target: '/echo.php?filter=-1' },
    { name: 'hyphenated words', target: '/echo.php?q=t-shirt+size+-xl' },
  ],
  prose: [
    { name: 'eval() in prose', ...form('comment=Never+use+eval()+on+user+input%2C+it+is+dangerous.'), target: '/echo.php' },
    { name: 'php://input in prose', ...form('comment=Read+the+raw+body+from+php%3A%2F%2Finput+instead+of+%24HTTP_RAW.'), target: '/echo.php' },
    { name: 'price in prose', target: '/echo.php?note=%24total+(incl.+VAT)' },
    { name: 'system in prose', target: '/echo.php?q=the+system+(as+designed)+works' },
    { name: 'dots in prose', target: '/echo.php?q=wait...+and+then%2C+or+not' },
    { name: 'JSON comment', ...json('{"title":"Release notes","body":"Fixed a crash in the exec scheduler (thanks!)"}'), target: '/echo.php' },
  ],
  paths: [
    { name: '/.well-known/security.txt', target: '/.well-known/security.txt' },
    { name: 'static asset with version', target: '/assets/app.js?v=1.2.3' },
    { name: 'versioned API path', target: '/echo.php/v1.2/users' },
    { name: 'download of a release zip', target: '/downloads/release-1.0.zip' },
  ],
  wordpress: [
    { name: 'admin-ajax heartbeat', ...form('data%5Bwp-refresh-post-lock%5D%5Bpost_id%5D=12&interval=60&_nonce=a1b2c3d4e5&action=heartbeat&screen_id=post&has_focus=false'), target: '/wp-admin/admin-ajax.php' },
    { name: 'post with HTML', ...form('post_title=Hello&content=%3Cp%3EHello+%3Cstrong%3Eworld%3C%2Fstrong%3E%3C%2Fp%3E&action=editpost'), target: '/echo.php' },
    { name: 'image upload', ...multipart('file', 'holiday.jpg', 'JFIF...'), target: '/echo.php' },
    { name: 'session and preference cookies', target: '/echo.php', headers: ['Cookie: wordpress_logged_in_abc=admin%7C1700000000%7Cabc; wp-settings-1=libraryContent%3Dbrowse'] },
    { name: 'upload of an image with an apostrophe in its name', ...multipart('file', "Tom's photo.jpg", 'JFIF'), target: '/echo.php' },
    { name: 'upload of an image named with an HTML entity', ...multipart('file', 'M&uuml;ller.jpg', 'JFIF'), target: '/echo.php' },
    { name: 'form with charset', ...form('a=1'), headers: ['Content-Type: application/x-www-form-urlencoded; charset=UTF-8'], target: '/echo.php' },
    { name: 'JSON with charset', ...json('{"a":1}'), headers: ['Content-Type: application/json; charset=utf-8'], target: '/echo.php' },
    { name: 'post explaining HTTP requests', ...form('comment=Send+a+GET+request+to+%2Fapi%2Fusers+and+read+the+Location%3A+header'), target: '/echo.php' },
    { name: 'upload of a guide about .htaccess', ...multipart('file', 'htaccess-guide.pdf', '%PDF-1.4'), target: '/echo.php' },
    { name: 'upload of a document with a version in its name', ...multipart('file', 'report.v2.final.docx', 'PK'), target: '/echo.php' },
    { name: 'multi-line comment', ...form('comment=first+line%0D%0Asecond+line%0D%0Athird'), target: '/echo.php' },
    { name: 'bracketed parameter and cookie names', target: '/echo.php?filter%5Bstatus%5D=active&sort=-created_at', headers: ['Cookie: prefs[theme]=dark; wp-settings-time-1=1700000000'] },
    { name: 'browser Accept-Encoding', target: '/echo.php', headers: ['Accept-Encoding: gzip, deflate, br, zstd', 'X-Requested-With: XMLHttpRequest'] },
    { name: 'browser User-Agent', target: '/echo.php', headers: ['User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'] },
  ],
  api: [
    { name: 'JSON with a URL', ...json('{"callback":"https://example.com/hook","tags":["a","b"],"n":3}'), target: '/echo.php' },
    { name: 'chunked JSON', method: 'POST', headers: ['Content-Type: application/json', 'Transfer-Encoding: chunked'], body: 'f\r\n{"name":"Jose",\r\nb\r\n"age":"33"}\r\n0\r\n\r\n', target: '/echo.php' },
    { name: 'base64 token', target: '/echo.php?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc' },
    { name: 'large form body (over 64 KiB)', ...form(`big=${'x'.repeat(70_000)}&last=1`), target: '/echo.php' },
  ],
  cms: [
    // A route in `log` mode: code in a form the CMS accepts goes through, and is logged.
    { name: 'code sample in a CMS post', ...form('body=%3C%3Fphp+echo+%24_GET%5B%27q%27%5D%3B+system(%27ls%27)%3B+%3F%3E'), target: '/cms/save' },
  ],
};
