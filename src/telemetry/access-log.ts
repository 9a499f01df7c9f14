/**
 * The JSON access log (one line per request, written with pino off the event loop's hot path),
 * in the shape `switchyard logs` reads:
 *   {"log":"access","time":"2026-11-23T20:41:09.123Z","remote":"127.0.0.1","method":"GET","path":"/user/5?x=1",
 *    "status":200,"bytes":1234,"duration":0.012,"upstream":"legacy","route":"user.show",
 *    "requestId":"...","userAgent":"curl/8.0","referer":"-"}
 * `duration` is seconds, like nginx's $request_time; `bytes` counts everything sent to the client,
 * like $bytes_sent.
 */
import pino, { type Logger } from 'pino';
import type { Exchange } from '../listener/exchange.js';

export type AccessLog = (exchange: Exchange, bytesBefore: number) => void;

export function createAccessLog(target: string): { write: AccessLog; flush: () => void } {
  if (target === 'off') return { write: () => {}, flush: () => {} };
  const destination = pino.destination({ dest: target === 'stdout' ? 1 : target, sync: false, mkdir: true, minLength: 4096 });
  const logger: Logger = pino(
    // `log: access` marks the line when access and operational logs share stdout.
    { base: null, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: () => ({ log: 'access' }) } },
    destination,
  );
  const write: AccessLog = (exchange, bytesBefore) => {
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
  return { write, flush: () => destination.flushSync() };
}
