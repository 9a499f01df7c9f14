/**
 * OWASP CRS's paranoia-level-1 rules of the PHP (933), LFI (930) and protocol (920, 921) families,
 * as listed in CRS 4's rule files, and for each what answers the same attack here: a shield rule
 * (its id), the HTTP/1.1 codec ('codec', a 400 before any rule), or nothing, with the reason.
 * Each covered one carries an attack of our own, which crs-coverage.test.ts sends through a real
 * gateway to a real php-fpm; docs/shield.md's comparison table is this list.
 */
import { form, json, multipart, type CorpusRequest } from './corpus.js';

export interface CrsRule {
  readonly crs: number;
  /** What CRS detects, in our words. */
  readonly detects: string;
  /** The shield rule, or 'codec', that answers it; undefined: not covered, `why` says why. */
  readonly by?: number | 'codec';
  readonly why?: string;
  /** An attack of the family; `raw` when it cannot be written as a corpus request (no Host, another version). */
  readonly attack?: CorpusRequest;
  readonly raw?: (id: string) => string;
}

const WARNING_ONLY = 'a WARNING or NOTICE in CRS, which alone stays under the default anomaly threshold (5) and never blocks';

export const CRS_LEVEL_1: readonly CrsRule[] = [
  // --- 933 PHP ---------------------------------------------------------------------------------------
  { crs: 933100, detects: 'PHP open tag', by: 933100, attack: { name: 'open tag', target: '/echo.php?x=%3C%3Fphp%20passthru(1)' } },
  { crs: 933110, detects: 'PHP script upload', by: 933110, attack: { name: 'upload', ...multipart('f', 'cmd.PHP5', 'x'), target: '/echo.php' } },
  { crs: 933120, detects: 'php.ini directive', by: 933120, attack: { name: 'ini', target: '/echo.php?c=open_basedir%3D%2F' } },
  { crs: 933130, detects: 'PHP variables (superglobals)', by: 933130, attack: { name: 'superglobal', ...form('q=%24_COOKIE%5Bx%5D'), target: '/echo.php' } },
  { crs: 933140, detects: 'php:// I/O stream', by: 933140, attack: { name: 'stream', target: '/echo.php', headers: ['Cookie: tpl=php://memory'] } },
  { crs: 933200, detects: 'other wrapper schemes', by: 933200, attack: { name: 'wrapper', ...json('{"src":"compress.zlib://x.gz"}'), target: '/echo.php' } },
  {
    crs: 933150, detects: 'high-risk PHP function name', by: 933160,
    why: 'here a name alone is level 2 (933150, prose names `base64_decode` too); called, level 1 blocks it as 933160',
    attack: { name: 'name called', target: '/echo.php?x=hex2bin(%2273797374656d%22)' },
  },
  { crs: 933160, detects: 'high-risk PHP function call', by: 933160, attack: { name: 'call', target: '/echo.php?x=proc_open(%24c%2C%24d%2C%24p)' } },
  { crs: 933170, detects: 'serialized object injection', by: 933170, attack: { name: 'object', target: '/echo.php?o=O%3A3%3A%22Foo%22%3A0%3A%7B%7D' } },
  { crs: 933180, detects: 'variable function call', by: 933180, attack: { name: 'variable function', target: '/echo.php?a=%24_%5B0%5D(%24_%5B1%5D)' } },
  { crs: 933210, detects: 'variable function call (callable expression)', by: 933210, attack: { name: 'callable', target: "/echo.php?a=%5B'system'%5D%5B0%5D('id')" } },

  // --- 930 LFI -----------------------------------------------------------------------------------
  { crs: 930100, detects: 'encoded path traversal', by: 930100, attack: { name: 'encoded', target: '/echo.php?f=%252e%252e%252f%252e%252e%252fsecret' } },
  { crs: 930110, detects: 'path traversal', by: 930111, why: '930110 for the path, 930111 for parameters, cookies and names', attack: { name: 'traversal', target: '/echo.php?f=../../../secret' } },
  { crs: 930120, detects: 'OS file access', by: 930120, attack: { name: 'os file', ...form('f=%2Fetc%2Fshadow'), target: '/echo.php' } },
  { crs: 930130, detects: 'restricted file access', by: 930130, attack: { name: 'restricted', target: '/.git/config' } },
  { crs: 930140, detects: 'configuration directories of developer tools in the web root', by: 930130, why: 'partly: 930130 knows `.idea/` and `.vscode/`, not the newer tool directories CRS lists', attack: { name: 'tool dir', target: '/.vscode/settings.json' } },

  // --- 920 protocol enforcement ---------------------------------------------------------------------
  { crs: 920100, detects: 'invalid request line', by: 'codec', attack: { name: 'request line', target: '/echo.php junk' } },
  { crs: 920120, detects: 'multipart file name evasion', by: 920120, attack: { name: 'file name', ...multipart('f', 'a.jpg\\\\..\\\\x.php', 'x'), target: '/echo.php' } },
  { crs: 920160, detects: 'non-numeric Content-Length', by: 'codec', attack: { name: 'content-length', method: 'POST', headers: ['Content-Length: 3x'], body: 'abc', target: '/echo.php' } },
  { crs: 920170, detects: 'GET or HEAD with a body', by: 920170, attack: { name: 'GET body', target: '/echo.php', headers: ['Content-Length: 5'], body: 'a=1&b' } },
  { crs: 920171, detects: 'GET or HEAD with Transfer-Encoding', by: 920170, attack: { name: 'GET chunked', target: '/echo.php', headers: ['Transfer-Encoding: chunked'], body: '0\r\n\r\n' } },
  { crs: 920180, detects: 'POST without Content-Length or Transfer-Encoding', why: `the codec reads such a POST as having no body (RFC 9112 §6.3), so nothing is smuggled; ${WARNING_ONLY}` },
  { crs: 920181, detects: 'Content-Length with Transfer-Encoding', by: 'codec', attack: { name: 'CL.TE', method: 'POST', headers: ['Content-Length: 4', 'Transfer-Encoding: chunked'], body: '0\r\n\r\n', target: '/echo.php' } },
  { crs: 920190, detects: 'Range with last byte below first', why: `a Range on a PHP request is the application's to answer; ${WARNING_ONLY}` },
  { crs: 920660, detects: 'obsolete Request-Range header', by: 920450, attack: { name: 'request-range', target: '/echo.php', headers: ['Request-Range: bytes=0-1'] } },
  { crs: 920210, detects: 'conflicting Connection header values', why: `the codec closes when \`close\` is among them; ${WARNING_ONLY}` },
  { crs: 920250, detects: 'invalid UTF-8', why: 'off in CRS unless tx.crs_validate_utf8_encoding is set; values are decoded as Latin-1 bytes here, so overlong forms stay visible to the rules (folded for `.`, `/`, `\\`)' },
  { crs: 920260, detects: 'full/half-width %uFFxx encoding', why: `\`%uXXXX\` and fullwidth \`.\` \`/\` \`\\\` are decoded and folded before matching, so the evasion does not get past the rules; ${WARNING_ONLY}` },
  { crs: 920270, detects: 'NUL in the request', by: 920270, attack: { name: 'NUL', target: '/echo.php?f=a%00b' } },
  { crs: 920280, detects: 'missing Host', by: 920280, raw: (id) => `GET /echo.php HTTP/1.1\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n` },
  { crs: 920290, detects: 'empty Host', by: 920280, attack: { name: 'empty host', target: '/echo.php', headers: ['Host:'] } },
  { crs: 920310, detects: 'empty Accept', why: WARNING_ONLY },
  { crs: 920311, detects: 'empty Accept without User-Agent', why: WARNING_ONLY },
  { crs: 920330, detects: 'empty User-Agent', why: WARNING_ONLY },
  { crs: 920340, detects: 'body without Content-Type (by Content-Length)', why: 'a body without a type is inspected whole as one value, so no body parser is bypassed, and PHP fills no $_POST from it' },
  { crs: 920640, detects: 'body without Content-Type (by body length)', why: 'as 920340: the body is read as one value, whatever its length' },
  { crs: 920350, detects: 'Host is an IP address', why: `gateways behind load balancers and health checks are addressed by IP; ${WARNING_ONLY}` },
  { crs: 920360, detects: 'argument name too long', why: 'off in CRS until tx.arg_name_length is set; here the head is bounded by limits.headerSize (431) and bodies by the route limit (413)' },
  { crs: 920370, detects: 'argument value too long', why: 'as 920360 (tx.arg_length); URL length is rule 192001' },
  { crs: 920380, detects: 'too many arguments', why: 'as 920360 (tx.max_num_args); at most 1024 body values are inspected' },
  { crs: 920390, detects: 'arguments too large in total', why: 'as 920360 (tx.total_arg_length)' },
  { crs: 920400, detects: 'uploaded file too large', why: 'as 920360 (tx.max_file_size); the route body limit answers 413' },
  { crs: 920410, detects: 'uploaded files too large in total', why: 'as 920400: the route body limit bounds all files together' },
  { crs: 920470, detects: 'illegal Content-Type', by: 920470, attack: { name: 'content-type', method: 'POST', headers: ['Content-Type: multipart/form-data; boundary=x; ${jndi:ldap://x}'], body: 'a', target: '/echo.php' } },
  { crs: 920420, detects: 'Content-Type outside the allowed list', why: 'a site policy (tx.allowed_request_content_type); types the shield does not parse reach PHP only as php://input, which is the application\'s to read' },
  { crs: 920480, detects: 'charset outside the allowed list', by: 920480, attack: { name: 'charset', ...form('a=1'), headers: ['Content-Type: application/x-www-form-urlencoded; charset=ibm037'], target: '/echo.php' } },
  { crs: 920530, detects: 'several charsets', by: 920530, attack: { name: 'charsets', ...json('{}'), headers: ['Content-Type: application/json; charset=utf-8; charset=utf-7'], target: '/echo.php' } },
  { crs: 920430, detects: 'HTTP version not allowed', by: 'codec', raw: (id) => `GET /echo.php HTTP/0.8\r\nHost: app.test\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n` },
  { crs: 920440, detects: 'restricted file extension', by: 920440, attack: { name: 'extension', target: '/includes/db.inc' } },
  { crs: 920500, detects: 'backup or working file', by: 193010, attack: { name: 'backup', target: '/notes.txt~' } },
  { crs: 920450, detects: 'restricted header', by: 920450, why: 'all but `Proxy`, which the FastCGI params drop (no HTTP_PROXY for httpoxy) instead of refusing the request', attack: { name: 'header', target: '/echo.php', headers: ['X-Middleware-Subrequest: middleware'] } },
  { crs: 920520, detects: 'Accept-Encoding over 100 characters', by: 920520, attack: { name: 'accept-encoding', target: '/echo.php', headers: [`Accept-Encoding: ${'x'.repeat(120)}`] } },
  { crs: 920600, detects: 'illegal Accept charset', why: 'it protects CRS\'s response inspection, which the shield does not do' },
  { crs: 920540, detects: '\\uXXXX escapes outside JSON', why: 'PHP decodes no `\\u` escapes in query, form or cookie values, and JSON bodies are decoded before matching' },
  { crs: 920610, detects: 'raw fragment in the URI', by: 920610, attack: { name: 'fragment', target: '/echo.php#x' } },
  { crs: 920620, detects: 'several Content-Type headers', by: 920620, attack: { name: 'content-types', ...form('a=1'), headers: ['Content-Type: application/x-www-form-urlencoded', 'Content-Type: text/plain'], target: '/echo.php' } },

  // --- 921 protocol attacks ------------------------------------------------------------------------
  { crs: 921110, detects: 'request smuggling in a parameter', by: 921110, attack: { name: 'smuggling', ...form('a=x%0d%0aPOST+%2Fadmin+HTTP%2F1.1'), target: '/echo.php' } },
  { crs: 921120, detects: 'response splitting', by: 921120, attack: { name: 'splitting', target: '/echo.php', headers: ['Cookie: lang=en%0d%0aContent-Length:%200'] } },
  { crs: 921130, detects: 'response splitting markers (`http/1.1`, `<html`)', why: 'CMS posts hold both every day; splitting needs CR/LF, which 921120 and 921150 see' },
  { crs: 921140, detects: 'CR/LF in header names or values', by: 'codec', attack: { name: 'bare LF', target: '/echo.php', headers: ['X-A: a\nInjected: b'] } },
  { crs: 921150, detects: 'CR/LF in argument names', by: 921150, attack: { name: 'name', ...form('a%0d%0ab=1'), target: '/echo.php' } },
  { crs: 921160, detects: 'CR/LF and a header name in a query argument', by: 921120, attack: { name: 'header name', target: '/echo.php?u=%0d%0aLocation:%20http://evil.test' } },
  { crs: 921190, detects: 'CR/LF in the path', by: 193101, attack: { name: 'path', target: '/index.php/x%0d%0ay.php' } },
  { crs: 921200, detects: 'LDAP injection', why: 'not a PHP, file-inclusion or framing attack: the shield covers only those families' },
  { crs: 921421, detects: 'JSON or XML type after the declared type', by: 921421, attack: { name: 'hidden type', ...form('a=1'), headers: ['Content-Type: application/x-www-form-urlencoded; x=application/soap+xml'], target: '/echo.php' } },
  { crs: 921240, detects: 'mod_proxy `unix:` target (CVE-2021-40438)', why: 'the gateway takes upstreams from its config, never from the request URL' },
  { crs: 921250, detects: 'RFC 2109 $Version cookie', by: 921250, attack: { name: '$Version', target: '/echo.php', headers: ['Cookie: "$Version"=1; a=b'] } },
];
