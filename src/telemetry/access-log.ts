/**
 * The JSON access log (one line per request, written with pino off the event loop's hot path),
 * in the shape `switchyard logs` reads:
 *   {"log":"access","time":"2026-11-23T20:41:09.123Z","remote":"127.0.0.1","method":"GET","path":"/user/5?x=1",
 *    "status":200,"bytes":1234,"duration":0.012,"upstream":"legacy","route":"user.show",
 *    "requestId":"...","userAgent":"curl/8.0","referer":"-"}
 * `duration` is seconds, like nginx's $request_time; `bytes` counts everything sent to the client,
 * like $bytes_sent. Lines are written in 4 KiB batches, and at least once a second (as nginx's
 * `access_log ... flush=1s`), so `tail -f` on a quiet site shows each request within a second.
 */
import pino, { type Logger } from 'pino';
import type { Exchange } from '../listener/exchange.js';

export type AccessLog = (exchange: Exchange, bytesBefore: number) => void;

/** Longest time a line waits in the batch buffer. */
const FLUSH_EVERY_MS = 1_000;

export interface AccessLogWriter {
  readonly write: AccessLog;
  /** Writes the buffered lines now. */
  flush(): void;
  /** Flushes and stops the once-a-second flush. */
  close(): void;
}

export function createAccessLog(target: string): AccessLogWriter {
  if (target === 'off') return { write: () => {}, flush: () => {}, close: () => {} };
  const destination = pino.destination({ dest: target === 'stdout' ? 1 : target, sync: false, mkdir: true, minLength: 4096 });
  const logger: Logger = pino(
    // `log: access` marks the line when access and operational logs share stdout.
    { base: null, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: () => ({ log: 'access' }) } },
    destination,
  );
  let pending = false;
  const timer = setInterval(() => {
    if (!pending) return;
    pending = false;
    destination.flush();
  }, FLUSH_EVERY_MS);
  timer.unref();
  const flush = (): void => {
    try {
      destination.flushSync();
    } catch {
      // The destination is not open yet (nothing was logged): nothing to flush.
    }
  };
  const write: AccessLog = (exchange, bytesBefore) => {
    pending = true;
    const { req, res } = exchange;
    const route = exchange.match?.route;
    logger.info({
      remote: exchange.remoteAddress,
      method: req.method,
      path: req.url,
      status: res.statusCode,
      bytes: exchange.socket.bytesWritten - bytesBefore,
      duration: Number(process.hrtime.bigint() - exchange.startedAt) / 1e9,
      upstream: exchange.upstream ?? null,
      route: route === undefined ? null : (route.name ?? route.path),
      requestId: exchange.id,
      userAgent: req.headers['user-agent'] ?? null,
      referer: req.headers.referer ?? null,
    });
  };
  return {
    write,
    flush,
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
