/**
 * A pino logger whose lines are kept in memory, so tests can assert on what the gateway logged
 * (a PHP warning with its request id, an access-log field) without touching stdout.
 */
import { pino, type Logger } from 'pino';

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  readonly lines: Record<string, unknown>[];
}

export function captureLog(level: pino.Level = 'debug'): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}
