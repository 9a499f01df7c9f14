/**
 * Writes a synthetic nginx `combined` access log for the benchmark: deterministic (a seeded
 * xorshift generator, so every run and machine measures the same bytes), with skewed client and
 * route popularity like real traffic, ids in paths, query strings, and ~230-byte lines.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.4.0',
];
const ROUTES: readonly ((n: number) => string)[] = [
  (n) => `/user/${n % 100000}`,
  (n) => `/product/${n % 5000}/reviews?page=${n % 7}`,
  () => '/',
  () => '/static/app.css',
  (n) => `/api/v1/orders/${n % 250000}`,
  (n) => `/blog/post-${n % 300}-release-notes`,
  () => '/login',
  (n) => `/search?q=term${n % 1000}`,
];
const STATUSES = [200, 200, 200, 200, 200, 200, 200, 304, 302, 404, 500];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export async function generateLog(path: string, lines: number): Promise<number> {
  let state = 0x9e3779b9;
  const rand = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  // Squaring a uniform draw skews choices towards the first entries: a few hot clients and routes.
  const skewed = (n: number): number => Math.floor(rand() * rand() * n);
  const out = createWriteStream(path);
  let bytes = 0;
  const start = Date.UTC(2026, 10, 1);
  let batch = '';
  for (let i = 0; i < lines; i++) {
    const ip = skewed(60000);
    const t = new Date(start + i * 50);
    const ts = `${String(t.getUTCDate()).padStart(2, '0')}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}:${String(t.getUTCSeconds()).padStart(2, '0')} +0000`;
    const route = ROUTES[skewed(ROUTES.length)] as (n: number) => string;
    const status = STATUSES[Math.floor(rand() * STATUSES.length)] as number;
    const size = status === 304 ? 0 : 200 + Math.floor(rand() * 40000);
    const agent = AGENTS[skewed(AGENTS.length)] as string;
    batch += `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255} - - [${ts}] "GET ${route(Math.floor(rand() * 1e9))} HTTP/1.1" ${status} ${size} "https://example.test/" "${agent}"\n`;
    if (batch.length > 1 << 20) {
      bytes += batch.length;
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  bytes += batch.length;
  out.end(batch);
  await once(out, 'finish');
  return bytes;
}
