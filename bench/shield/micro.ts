/**
 * The shield filter micro-benchmark: what the shield's filter costs per request on one core, measured in
 * process (CPU time over many runs) so a loaded machine changes the figure little: the request
 * bench:fastcgi sends (`GET /hello.php?id=42&sort=-created_at&q=red+shoes`) with a browser's
 * headers and cookies, and a form POST of 12 fields, at paranoia 1 and 2. Compare with the proxy
 * CPU per request bench:fastcgi prints for the whole gateway.
 *
 *   npm run build && node dist/bench/shield/micro.js
 */
import { Readable } from 'node:stream';
import type { Exchange } from '../../src/listener/exchange.js';
import { compilePolicy } from '../../src/shield/policy.js';
import { createShieldFilter } from '../../src/shield/shield-filter.js';

const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 100_000);

const BROWSER: Record<string, string> = {
  host: 'shop.test',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-language': 'en-GB,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br',
  referer: 'https://shop.test/products?page=2',
  cookie: 'laravel_session=eyJpdiI6IkFCQyIsInZhbHVlIjoiREVGIn0%3D; XSRF-TOKEN=eyJpdiI6IkdISSJ9; cart=3',
};

const FORM = 'name=Jane+Doe&email=jane%40example.com&street=1+High+Street&city=London&zip=N1+9GU&country=GB&phone=%2B44+20+7946+0000&notes=Leave+at+the+door%2C+thanks!&qty=2&sku=TS-RED-M&coupon=SPRING-10&_token=abcdef0123456789';

/** Just what the shield reads of an exchange; the request is a stream holding `body`. */
function exchange(method: string, url: string, headers: Record<string, string>, body?: string): Exchange {
  const q = url.indexOf('?');
  const head = { method, url, headers, rawHeaders: Object.entries(headers).flat() };
  const req = body === undefined ? head : Object.assign(Readable.from([Buffer.from(body)], { objectMode: false }), head);
  const fake = { id: 'bench', path: q === -1 ? url : url.slice(0, q), query: q === -1 ? '' : url.slice(q + 1), req, log: { warn: () => undefined }, match: undefined };
  return fake as unknown as Exchange;
}

type Filter = (exchange: Exchange, next: () => Promise<void>) => Promise<void>;

/** CPU ns per request of `filter` over fresh exchanges, warmed up first. */
async function cpuNs(filter: Filter, make: () => Exchange): Promise<number> {
  const next = async (): Promise<void> => undefined;
  for (let i = 0; i < ITERATIONS / 10; i++) await filter(make(), next);
  const start = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) await filter(make(), next);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / ITERATIONS) * 1000;
}

/** The shield's cost: the filter's CPU less that of building the exchange and calling a filter that only calls next. */
async function measure(label: string, make: () => Exchange): Promise<void> {
  const harness = await cpuNs((exchange, next) => (exchange.req.headers['content-length'] === undefined ? next() : drain(exchange).then(next)), make);
  for (const paranoia of [1, 2] as const) {
    const shield = await cpuNs(createShieldFilter(compilePolicy({ enabled: true, paranoia, mode: 'block', rules: {}, maxUrlLength: 8192 }, undefined)), make);
    console.log(`${label.padEnd(44)} paranoia ${paranoia}: ${(shield - harness).toFixed(0).padStart(6)} ns of CPU per request (harness ${harness.toFixed(0)} ns)`);
  }
}

/** Reads the body as the shield would, so the harness figure holds the stream's cost too. */
async function drain(exchange: Exchange): Promise<void> {
  for await (const chunk of exchange.req) void chunk;
}

const get = () => exchange('GET', '/hello.php?id=42&sort=-created_at&q=red+shoes', BROWSER);
const post = () => exchange('POST', '/checkout.php', { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(FORM.length) }, FORM);
await measure('GET with query, browser headers, 3 cookies', get);
await measure('POST of a 12-field form, same headers', post);
console.log(`(${ITERATIONS} requests each)`);
