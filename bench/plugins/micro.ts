/**
 * bench:plugins:micro — the rate limiter's own CPU per request, in-process and without the load
 * from elsewhere that makes the whole-gateway rows of bench:plugins move by tens of percent: the
 * filter is called on a minimal exchange N times after a warm-up, against a filter that only
 * calls `next`. Rows: `store: memory` in one process (a map), the leased path the workers of
 * `serve --workers N` and Redis take (LeasedStore; here leasing from a private redis-server, at
 * 1000000/s so a lease serves 20000 requests), all keyed by one client address. Compare the µs
 * with the gateway CPU per proxied request bench:plugins prints for its `none` row.
 *
 *   npm run bench:plugins:micro
 *   BENCH_CALLS=500000 npm run bench:plugins:micro
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { Exchange, type ExchangeRequest, type ExchangeResponse } from '../../src/listener/exchange.js';
import { rateLimitFilter } from '../../src/plugins/rate-limit/rate-limit-filter.js';
import { closeRedisClients } from '../../src/plugins/redis-clients.js';
import type { Filter } from '../../src/filters/filter.js';
import { freePort } from '../../test/helpers/free-port.js';

const calls = Number(process.env['BENCH_CALLS'] ?? 300_000);
const log = pino({ level: 'silent' });

function exchange(): Exchange {
  const req = { url: '/limited', method: 'GET', headers: {}, rawHeaders: [], httpVersion: '1.1', socket: { remoteAddress: '127.0.0.1' } } as unknown as ExchangeRequest;
  const res = { setHeader: () => res } as unknown as ExchangeResponse;
  return new Exchange(req, res, 'id', log);
}

async function perCallUs(filter: Filter): Promise<number> {
  const next = () => Promise.resolve();
  const ex = exchange();
  for (let i = 0; i < calls / 10; i++) await filter(ex, next);
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await filter(ex, next);
  return Number(process.hrtime.bigint() - start) / 1000 / calls;
}

const context = (name: string) => ({ name, log, processes: 1, configDir: process.cwd() });

async function main(): Promise<void> {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: redis.stdout as NodeJS.ReadableStream })) if (/Ready to accept connections/.test(line)) break;
  redis.stdout?.resume();
  try {
    const none: Filter = (_exchange, next) => next();
    const memory = rateLimitFilter.create({ rate: '1000000/s', key: 'ip', store: 'memory' }, context('memory'));
    const viaRedis = rateLimitFilter.create({ rate: '1000000/s', key: 'ip', store: `redis://127.0.0.1:${port}`, storeTimeout: '1s' }, context('redis'));
    const rows: [string, Filter][] = [
      ['none', none],
      ['rateLimit memory', memory],
      ['rateLimit redis (leased)', viaRedis],
    ];
    console.log(`${calls} calls per row after ${calls / 10} warm-up calls, one client address, 1000000/s`);
    const base = await perCallUs(none);
    for (const [name, filter] of rows) {
      const us = await perCallUs(filter);
      console.log(`${name.padEnd(26)} ${us.toFixed(3).padStart(7)} µs/call  (+${(us - base).toFixed(3)} µs over none)`);
    }
  } finally {
    await closeRedisClients();
    redis.kill('SIGTERM');
    await once(redis, 'exit');
  }
}

await main();
