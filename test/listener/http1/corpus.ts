/**
 * Request byte streams for the differential test: valid requests of every shape, and every
 * ambiguity RFC 9112 sections 2-7 and 11 warn about (framing: Content-Length against
 * Transfer-Encoding, chunk sizes and extensions; line endings; obs-fold; control bytes; the four
 * request-target forms). Each is sent whole to node and cut at random points to the codec.
 */
import { METHODS } from 'node:http';

export interface CorpusCase {
  readonly name: string;
  readonly stream: string;
}

const CRLF = '\r\n';
const get = (target = '/', version = 'HTTP/1.1') => `GET ${target} ${version}${CRLF}Host: a${CRLF}${CRLF}`;
const post = (headers: string, body: string) => `POST /p HTTP/1.1${CRLF}Host: a${CRLF}${headers}${CRLF}${body}`;
const chunkedPost = (body: string) => post(`Transfer-Encoding: chunked${CRLF}`, body);
const withHeader = (line: string, version = 'HTTP/1.1') => `GET / ${version}${CRLF}${line}${CRLF}${CRLF}`;

const cases: CorpusCase[] = [];
const add = (name: string, stream: string) => cases.push({ name, stream });

// --- valid requests --------------------------------------------------------------------------
add('simple GET', get());
add('GET without Host', `GET / HTTP/1.1${CRLF}${CRLF}`);
add('HTTP/1.0 GET', get('/', 'HTTP/1.0'));
add('browser-like GET', `GET /users/42?tab=orders HTTP/1.1${CRLF}Host: app.example${CRLF}User-Agent: Mozilla/5.0 (X11; Linux x86_64)${CRLF}Accept: text/html,*/*;q=0.8${CRLF}Accept-Language: en-GB,en;q=0.9${CRLF}Accept-Encoding: gzip, deflate, br${CRLF}Cookie: a=1${CRLF}Cookie: b=2${CRLF}${CRLF}`);
add('POST with Content-Length', post(`Content-Length: 5${CRLF}`, 'hello'));
add('POST with Content-Length 0', post(`Content-Length: 0${CRLF}`, ''));
add('GET with a body', `GET / HTTP/1.1${CRLF}Content-Length: 3${CRLF}${CRLF}abc`);
add('body holding CR LF and NUL', post(`Content-Length: 6${CRLF}`, '\r\n\0\r\r\n'));
add('chunked POST', chunkedPost(`5${CRLF}hello${CRLF}0${CRLF}${CRLF}`));
add('chunked with several chunks', chunkedPost(`1${CRLF}a${CRLF}A${CRLF}0123456789${CRLF}3${CRLF}xyz${CRLF}0${CRLF}${CRLF}`));
add('chunked with uppercase and leading zeros', chunkedPost(`00A${CRLF}0123456789${CRLF}0000${CRLF}${CRLF}`));
add('chunked with trailers', chunkedPost(`3${CRLF}abc${CRLF}0${CRLF}Expires: never${CRLF}X-Sum: 1${CRLF}${CRLF}`));
add('chunked with repeated trailers', chunkedPost(`0${CRLF}Host: a${CRLF}Host: b${CRLF}${CRLF}`));
add('chunked GET', `GET / HTTP/1.1${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}0${CRLF}${CRLF}`);
add('pipelined three', get('/1') + post(`Content-Length: 2${CRLF}`, 'ab') + chunkedPost(`2${CRLF}cd${CRLF}0${CRLF}${CRLF}`) + get('/4'));
add('leading CRLFs', `${CRLF}${CRLF}${get()}`);
add('CRLF between requests', `${get('/1')}${CRLF}${get('/2')}`);
add('trailing CRLF', `${get()}${CRLF}`);
add('empty stream', '');
add('only CRLF', CRLF);
add('header value with obs-text', withHeader('X-Name: caf\xe9 \x80\xff'));
add('header value with tab inside', withHeader('X-T: a\tb'));
add('header value empty', withHeader('X-E:'));
add('header value only spaces', withHeader('X-E:    \t '));
add('header value with surrounding whitespace', withHeader('X-W: \t a b \t '));
add('no space after colon', withHeader('X-W:v'));
add('every tchar in a name', withHeader("X!#$%&'*+-.^_`|~09az: v"));
add('fifty fields', `GET / HTTP/1.1${CRLF}${Array.from({ length: 50 }, (_, i) => `X-F${i}: ${i}${CRLF}`).join('')}${CRLF}`);
add('8 KiB target', get(`/${'a'.repeat(8192)}`));
add('8 KiB value', withHeader(`X-Big: ${'v'.repeat(8192)}`));

// --- repeated fields (node's joining rules) ---------------------------------------------------
for (const name of ['Host', 'Content-Type', 'User-Agent', 'Authorization', 'Referer', 'Set-Cookie', 'Cookie', 'Accept', 'X-Custom', 'Date', 'Connection', 'ETag', 'Age', 'From', 'Max-Forwards', 'If-Modified-Since', 'Via', 'constructor', 'Expires', 'Expect']) {
  add(`repeated ${name}`, `GET / HTTP/1.1${CRLF}${name}: one${CRLF}${name.toUpperCase()}: two${CRLF}${name.toLowerCase()}: three${CRLF}${CRLF}`);
}

// --- methods ----------------------------------------------------------------------------------
for (const method of METHODS) add(`method ${method}`, method === 'CONNECT' ? `CONNECT a:443 HTTP/1.1${CRLF}${CRLF}` : `${method} ${method === 'OPTIONS' ? '*' : '/'} HTTP/1.1${CRLF}${CRLF}`);
for (const method of ['get', 'FOO', 'GETS', 'PRI', 'DESCRIBE', 'G ET', 'GET\t', '', 'POST\0']) add(`method ${JSON.stringify(method)}`, `${method} / HTTP/1.1${CRLF}${CRLF}`);
add('PRI preface', `PRI * HTTP/2.0${CRLF}${CRLF}SM${CRLF}${CRLF}`);

// --- request-target forms (RFC 9112 §3.2) -----------------------------------------------------
for (const target of ['/', '/a/b?c=d&e', '/a?b#c', '//double', '/%2F%zz', "/!$&'()*+,;=:@", '/"<>\\^`{|}', '/a#b#c', '/~user']) add(`origin-form ${target}`, get(target));
for (const target of ['http://a.example/p?q', 'https://a.example:8443/', 'HTTP://A', 'http://user:pw@a/', 'http://[::1]:80/', 'http://a?b', 'ftp://a/b', 'http://a:b:c/']) add(`absolute-form ${target}`, get(target));
for (const target of ['http://', 'http:///a', 'http:/a', 'h1://a/', 'http://a"b/', 'http://a#b', 'http://a b/', 'a.b:80', 'foo', '?a', '#', '*x', '1http://a']) add(`bad target ${JSON.stringify(target)}`, get(target));
add('asterisk-form OPTIONS', `OPTIONS * HTTP/1.1${CRLF}Host: a${CRLF}${CRLF}`);
add('asterisk-form GET', get('*'));
add('authority-form CONNECT', `CONNECT a.example:443 HTTP/1.1${CRLF}Host: a.example:443${CRLF}${CRLF}tunnel bytes`);
add('authority-form CONNECT IPv6', `CONNECT [::1]:443 HTTP/1.1${CRLF}${CRLF}`);
add('CONNECT with body bytes', `CONNECT a:1 HTTP/1.1${CRLF}Content-Length: 3${CRLF}${CRLF}abc`);
for (const target of ['/x', 'a.example', 'http://a:1', 'a:', ':443', 'u@a:1', 'a:1x', '[::1:443']) add(`CONNECT target ${JSON.stringify(target)}`, `CONNECT ${target} HTTP/1.1${CRLF}${CRLF}`);
for (const byte of [0x00, 0x01, 0x09, 0x0c, 0x7f, 0x80, 0xff]) add(`target byte 0x${byte.toString(16)}`, get(`/a${String.fromCharCode(byte)}b`));

// --- request line -----------------------------------------------------------------------------
for (const line of ['GET  / HTTP/1.1', 'GET /  HTTP/1.1', 'GET / HTTP/1.1 ', ' GET / HTTP/1.1', 'GET\t/ HTTP/1.1', 'GET / http/1.1', 'GET / HTTP/1.2', 'GET / HTTP/2.0', 'GET / HTTP/0.9', 'GET /', 'GET / HTTP/1.10', 'GET / HTTP/01.1', 'GET / HTTP/1', 'GET / HTTP/1.1x', 'GET /a b HTTP/1.1', 'GET', 'GET /', 'GET  HTTP/1.1', 'GET / RTSP/1.0']) {
  add(`request line ${JSON.stringify(line)}`, `${line}${CRLF}Host: a${CRLF}${CRLF}`);
}

// --- line endings (RFC 9112 §2.2) ------------------------------------------------------------
add('bare LF everywhere', `GET / HTTP/1.1\nHost: a\n\n`);
add('bare LF after request line', `GET / HTTP/1.1\nHost: a${CRLF}${CRLF}`);
add('bare LF after a field', `GET / HTTP/1.1${CRLF}Host: a\n${CRLF}`);
add('bare LF ending the head', `GET / HTTP/1.1${CRLF}Host: a${CRLF}\n`);
add('bare CR in a value', withHeader('X: a\rb'));
add('bare CR ending a field', `GET / HTTP/1.1${CRLF}Host: a\r\r\n${CRLF}`);
add('bare CR in a name', withHeader('X\r: a'));
add('bare CR in the request line', `GET /\r HTTP/1.1${CRLF}${CRLF}`);
add('bare CR after the version', `GET / HTTP/1.1\r\r\n${CRLF}`);
add('CR CR LF ending the head', `GET / HTTP/1.1${CRLF}Host: a${CRLF}\r\r\n`);
add('bare LF before a request', `\n${get()}`);
add('bare CR before a request', `\r${get()}`);
add('bare LF between requests', `${get('/1')}\n${get('/2')}`);

// --- field syntax (RFC 9112 §5) ---------------------------------------------------------------
add('obs-fold with SP', `GET / HTTP/1.1${CRLF}X: a${CRLF} b${CRLF}${CRLF}`);
add('obs-fold with HTAB', `GET / HTTP/1.1${CRLF}X: a${CRLF}\tb${CRLF}${CRLF}`);
add('obs-fold of Content-Length', `POST / HTTP/1.1${CRLF}Content-Length:${CRLF} 3${CRLF}${CRLF}abc`);
add('whitespace before the first field', `GET / HTTP/1.1${CRLF} Host: a${CRLF}${CRLF}`);
add('whitespace-only line', `GET / HTTP/1.1${CRLF}X: a${CRLF}\t${CRLF}${CRLF}`);
add('space before colon', withHeader('Host : a'));
add('tab before colon', withHeader('Host\t: a'));
add('space before colon of Transfer-Encoding', post(`Transfer-Encoding : chunked${CRLF}Content-Length: 3${CRLF}`, 'abc'));
add('empty field name', withHeader(': a'));
add('field without colon', withHeader('Host'));
for (const c of '"(),/;<=>?@[\\]{}\x7f\x80\xe9') add(`name byte ${JSON.stringify(c)}`, withHeader(`X${c}Y: v`));
for (const byte of [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f]) add(`value byte 0x${byte.toString(16)}`, withHeader(`X: a${String.fromCharCode(byte)}b`));

// --- Content-Length (RFC 9110 §8.6, RFC 9112 §6.3) -------------------------------------------
for (const value of ['3', '003', ' 3 ', '3, 3', '+3', '-3', '0x3', '3.0', '3e0', '1 2', '', 'abc', '9007199254740991', '9007199254740993', '18446744073709551615', '18446744073709551616', '99999999999999999999999']) {
  add(`Content-Length ${JSON.stringify(value)}`, post(`Content-Length: ${value}${CRLF}`, 'abc'));
}
add('Content-Length twice, equal', post(`Content-Length: 3${CRLF}Content-Length: 3${CRLF}`, 'abc'));
add('Content-Length twice, different', post(`Content-Length: 3${CRLF}Content-Length: 4${CRLF}`, 'abcd'));
add('Content-Length body cut short', post(`Content-Length: 10${CRLF}`, 'abc'));
add('Content-Length body longer: next request garbage', post(`Content-Length: 2${CRLF}`, 'abcd'));

// --- Transfer-Encoding (RFC 9112 §6.1) -------------------------------------------------------
const te = (lines: string) => post(lines, `3${CRLF}abc${CRLF}0${CRLF}${CRLF}`);
for (const value of ['chunked', 'Chunked', 'CHUNKED', ' chunked ', 'gzip, chunked', 'gzip,chunked', 'gzip ,\tchunked', ',chunked', 'chunked,', 'chunked, gzip', 'chunked, chunked', 'gzip', 'identity', '', ',', 'chunked;q=1', 'gzip;q=1, chunked', '"chunked"', 'xchunked', 'chunkedx', 'chunked\x80', 'gz ip, chunked']) {
  add(`Transfer-Encoding ${JSON.stringify(value)}`, te(`Transfer-Encoding: ${value}${CRLF}`));
}
add('Transfer-Encoding in two lines', te(`Transfer-Encoding: gzip${CRLF}Transfer-Encoding: chunked${CRLF}`));
add('Transfer-Encoding chunked twice', te(`Transfer-Encoding: chunked${CRLF}Transfer-Encoding: chunked${CRLF}`));
add('Transfer-Encoding chunked then gzip', te(`Transfer-Encoding: chunked${CRLF}Transfer-Encoding: gzip${CRLF}`));
add('Transfer-Encoding chunked then empty', te(`Transfer-Encoding: chunked${CRLF}Transfer-Encoding:${CRLF}`));
add('Transfer-Encoding then Content-Length', te(`Transfer-Encoding: chunked${CRLF}Content-Length: 3${CRLF}`));
add('Content-Length then Transfer-Encoding', te(`Content-Length: 3${CRLF}Transfer-Encoding: chunked${CRLF}`));
add('Transfer-Encoding with Content-Length 0', te(`Content-Length: 0${CRLF}Transfer-Encoding: chunked${CRLF}`));
add('Transfer-Encoding in HTTP/1.0', `POST / HTTP/1.0${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}3${CRLF}abc${CRLF}0${CRLF}${CRLF}`);
add('Transfer-Encoding in HTTP/1.0 kept alive', `POST / HTTP/1.0${CRLF}Connection: keep-alive${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}3${CRLF}abc${CRLF}0${CRLF}${CRLF}${get()}`);

// --- chunked framing (RFC 9112 §7.1) ----------------------------------------------------------
for (const line of ['3;a=b', '3;a', '3;a;b;c=d', '3;=b', '3;a=', '3;;a', '3;a="b c"', '3;a="b\\"c"', '3;a="\t"', '3;a="\x80"', '3;a="\\\x80"', '3;a="b";c', '3 ;a=b', '3\t;a', '3; a=b', '3;a = b', '3;a=b c', '3;', '3;a=b;', '3;a=b=c', '3;a="b', '3;a=b"', '3;a="b"c', '3;a="b" ', '3;a\0', '3;a="\x01"', '3;a="\\\x01"', '3;a="\x7f"', '3;a\x80', '3;a=\x80', '3 ', ' 3', '+3', '0x3', 'g', '', '3\r']) {
  add(`chunk line ${JSON.stringify(line)}`, chunkedPost(`${line}${CRLF}abc${CRLF}0${CRLF}${CRLF}`));
}
for (const size of ['fffffffffffffff', 'ffffffffffffffff', '10000000000000000', '20000000000000', '1fffffffffffff', '00000000000000000000003']) {
  add(`chunk size ${size}`, chunkedPost(`${size}${CRLF}abc${CRLF}0${CRLF}${CRLF}`));
}
add('chunk data without CRLF', chunkedPost(`3${CRLF}abcX${CRLF}0${CRLF}${CRLF}`));
add('chunk data with LF only', chunkedPost(`3${CRLF}abc\n0${CRLF}${CRLF}`));
add('chunk data with CR CR LF', chunkedPost(`3${CRLF}abc\r\r\n0${CRLF}${CRLF}`));
add('chunk size line with LF only', chunkedPost(`3\nabc${CRLF}0${CRLF}${CRLF}`));
add('last chunk with LF only', chunkedPost(`3${CRLF}abc${CRLF}0\n${CRLF}`));
add('chunked body without last chunk', chunkedPost(`3${CRLF}abc${CRLF}`));
add('chunked body without final CRLF', chunkedPost(`3${CRLF}abc${CRLF}0${CRLF}`));
add('chunked end with bare LF', chunkedPost(`3${CRLF}abc${CRLF}0${CRLF}\n`));
add('chunked end with CR CR LF', chunkedPost(`3${CRLF}abc${CRLF}0${CRLF}\r\r\n`));
add('chunk shorter than its size', chunkedPost(`5${CRLF}abc${CRLF}0${CRLF}${CRLF}`));
add('chunk longer than its size', chunkedPost(`2${CRLF}abc${CRLF}0${CRLF}${CRLF}`));
add('trailer with obs-fold', chunkedPost(`0${CRLF}X: y${CRLF} z${CRLF}${CRLF}`));
add('trailer with space before colon', chunkedPost(`0${CRLF}X : y${CRLF}${CRLF}`));
add('trailer Content-Length', chunkedPost(`0${CRLF}Content-Length: 5${CRLF}${CRLF}`));
add('trailer Transfer-Encoding', chunkedPost(`0${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}`));
add('trailer Connection close then a request', chunkedPost(`0${CRLF}Connection: close${CRLF}${CRLF}`) + get());
add('trailer Upgrade then a request', chunkedPost(`0${CRLF}Upgrade: x${CRLF}Connection: upgrade${CRLF}${CRLF}`) + get());
add('trailer Expect', chunkedPost(`0${CRLF}Expect: 100-continue${CRLF}${CRLF}`));
add('trailer NUL', chunkedPost(`0${CRLF}X: a\0${CRLF}${CRLF}`));
add('16 KiB chunk extension', chunkedPost(`1;a=${'e'.repeat(16300)}${CRLF}x${CRLF}0${CRLF}${CRLF}`));
add('20 KiB chunk extension', chunkedPost(`1;a=${'e'.repeat(20000)}${CRLF}x${CRLF}0${CRLF}${CRLF}`));
add('many small extensions', chunkedPost(`${'1;a=b;c="d"\r\nx\r\n'.repeat(300)}0${CRLF}${CRLF}`));

// --- connection (RFC 9112 §9) -----------------------------------------------------------------
add('Connection close then data', `GET / HTTP/1.1${CRLF}Connection: close${CRLF}${CRLF}${get()}`);
add('Connection close then CRLFs', `GET / HTTP/1.1${CRLF}Connection: close${CRLF}${CRLF}${CRLF}${CRLF}`);
add('HTTP/1.0 then data', `${get('/', 'HTTP/1.0')}${get()}`);
add('HTTP/1.0 keep-alive then data', `GET / HTTP/1.0${CRLF}Connection: keep-alive${CRLF}${CRLF}${get()}`);
add('HTTP/1.0 keep-alive and close then data', `GET / HTTP/1.0${CRLF}Connection: keep-alive, close${CRLF}${CRLF}${get()}`);
for (const value of ['close', 'CLOSE', 'Close, foo', 'foo,close', ',close,', 'closex', 'x close', 'close;q=1', '"close"', 'keep-alive', 'keep-alive, close', 'upgrade', '']) {
  add(`Connection ${JSON.stringify(value)} then data`, `GET / HTTP/1.1${CRLF}Connection: ${value}${CRLF}${CRLF}${get()}`);
  add(`HTTP/1.0 Connection ${JSON.stringify(value)} then data`, `GET / HTTP/1.0${CRLF}Connection: ${value === 'close' ? 'keep-alive' : value}${CRLF}${CRLF}${get()}`);
}
add('Proxy-Connection close then data', `GET / HTTP/1.1${CRLF}Proxy-Connection: close${CRLF}${CRLF}${get()}`);
add('Proxy-Connection keep-alive on HTTP/1.0', `GET / HTTP/1.0${CRLF}Proxy-Connection: keep-alive${CRLF}${CRLF}${get()}`);
add('two Connection fields', `GET / HTTP/1.1${CRLF}Connection: keep-alive${CRLF}Connection: close${CRLF}${CRLF}${get()}`);

// --- upgrade ----------------------------------------------------------------------------------
add('WebSocket handshake', `GET /ws HTTP/1.1${CRLF}Host: a${CRLF}Upgrade: websocket${CRLF}Connection: Upgrade${CRLF}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==${CRLF}Sec-WebSocket-Version: 13${CRLF}${CRLF}\x81\x05hello`);
add('upgrade with a body', `POST / HTTP/1.1${CRLF}Upgrade: websocket${CRLF}Connection: Upgrade${CRLF}Content-Length: 3${CRLF}${CRLF}abcrest`);
add('upgrade on HTTP/1.0', `GET / HTTP/1.0${CRLF}Upgrade: websocket${CRLF}Connection: Upgrade${CRLF}${CRLF}rest`);
add('h2c upgrade', `GET / HTTP/1.1${CRLF}Upgrade: h2c${CRLF}Connection: Upgrade, HTTP2-Settings${CRLF}HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA${CRLF}${CRLF}`);
add('Upgrade without Connection', `GET / HTTP/1.1${CRLF}Upgrade: websocket${CRLF}${CRLF}${get()}`);
add('Upgrade empty', `GET / HTTP/1.1${CRLF}Upgrade:${CRLF}Connection: upgrade${CRLF}${CRLF}${get()}`);
add('Connection upgrade in Proxy-Connection', `GET / HTTP/1.1${CRLF}Proxy-Connection: upgrade${CRLF}Upgrade: x${CRLF}${CRLF}rest`);
add('upgrade after a request', `${get('/1')}GET /ws HTTP/1.1${CRLF}Upgrade: websocket${CRLF}Connection: upgrade${CRLF}${CRLF}rest`);

// --- Expect (RFC 9110 §10.1.1) ----------------------------------------------------------------
for (const value of ['100-continue', '100-Continue', 'foo', 'foo, 100-continue', '100-continuex', 'x100-continue', '100-continue;a', '']) {
  add(`Expect ${JSON.stringify(value)}`, post(`Expect: ${value}${CRLF}Content-Length: 2${CRLF}`, 'ab'));
}
add('Expect on HTTP/1.0', `POST / HTTP/1.0${CRLF}Expect: 100-continue${CRLF}Content-Length: 2${CRLF}${CRLF}ab`);

// --- limits -----------------------------------------------------------------------------------
add('20 KiB field', withHeader(`X-Big: ${'v'.repeat(20 * 1024)}`));
add('20 KiB target', get(`/${'a'.repeat(20 * 1024)}`));
add('20 KiB trailer', chunkedPost(`0${CRLF}X-Big: ${'v'.repeat(20 * 1024)}${CRLF}${CRLF}`));
add('101 fields', `GET / HTTP/1.1${CRLF}${Array.from({ length: 101 }, (_, i) => `X-F${i}: ${i}${CRLF}`).join('')}${CRLF}`);
add('many 1 KiB fields', `GET / HTTP/1.1${CRLF}${Array.from({ length: 18 }, (_, i) => `X-F${i}: ${'v'.repeat(1000)}${CRLF}`).join('')}${CRLF}`);

// --- Host (RFC 9112 §3.2) ---------------------------------------------------------------------
add('two Host fields', `GET / HTTP/1.1${CRLF}Host: a${CRLF}Host: b${CRLF}${CRLF}`);
add('empty Host', withHeader('Host:'));

export const corpus: readonly CorpusCase[] = cases;
