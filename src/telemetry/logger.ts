/** The gateway's operational log (warnings, php-fpm stderr, lifecycle) as pino JSON on stderr. */
import pino, { type Logger } from 'pino';
import type { Writable } from 'node:stream';

export function createLogger(level: string, stream: Writable = process.stderr): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
}
