/**
 * A PHP error as a chain link, read from what php-fpm sends on FastCGI stderr (log_errors on, no
 * error_log: each message starts `PHP message: PHP <level>:  <text>`). The text is PHP's own
 * format (main/main.c php_error_cb): `<message> in <file> on line <n>`, or for an uncaught
 * exception `Uncaught <Class>: <message> in <file>:<line>` followed by `Stack trace:`, one
 * `#n ...` line per frame and `  thrown in <file> on line <n>`.
 */
import type { ChainLink } from '../errors.js';

interface PhpMessage {
  readonly level: string;
  readonly lines: string[];
}

const MESSAGE_START = /^(?:PHP message: )?PHP ([A-Z][a-z]+(?: [a-z]+)*):\s+(.*)$/;
const FATAL_LEVELS = new Set(['Fatal error', 'Parse error', 'Core error', 'Compile error', 'Recoverable fatal error']);
const MAX_DETAIL = 2000;
const MAX_FRAMES = 50;

/** The messages in stderr text (lines joined with \n), in order. */
export function phpMessages(stderr: string): PhpMessage[] {
  const messages: PhpMessage[] = [];
  for (const raw of stderr.split('\n')) {
    const m = MESSAGE_START.exec(raw);
    if (m !== null) messages.push({ level: m[1] as string, lines: [m[2] as string] });
    else if (messages.length > 0) (messages[messages.length - 1] as PhpMessage).lines.push(raw.replace(/^PHP message:\s*/, ''));
    else if (raw.trim() !== '') messages.push({ level: '', lines: [raw.replace(/^PHP message:\s*/, '')] });
  }
  return messages;
}

/** The most telling message of stderr (the first fatal one, else the last) as a chain link. */
export function phpCause(stderr: string): ChainLink {
  const messages = phpMessages(stderr);
  const chosen = messages.find((m) => FATAL_LEVELS.has(m.level)) ?? messages[messages.length - 1];
  if (chosen === undefined) return { source: 'php', status: 500, detail: 'the php application failed without a message' };
  return phpLink(chosen);
}

function phpLink(message: PhpMessage): ChainLink {
  const [first = '', ...rest] = message.lines;
  const level = message.level;
  const link: Record<string, unknown> = { source: 'php', title: level === '' ? 'PHP error' : `PHP ${level}`, status: 500 };
  const uncaught = /^Uncaught ([\w\\]+): (.*) in (.+):(\d+)$/.exec(first);
  const located = uncaught === null ? /^(.*) in (.+) on line (\d+)$/.exec(first) : null;
  let text = first;
  if (uncaught !== null) {
    text = `Uncaught ${uncaught[1]}: ${uncaught[2]}`;
    link['exception'] = uncaught[1];
    link['file'] = uncaught[3];
    link['line'] = Number(uncaught[4]);
  } else if (located !== null) {
    text = located[1] as string;
    link['file'] = located[2];
    link['line'] = Number(located[3]);
  }
  const stack = rest.map((l) => l.trim()).filter((l) => /^#\d+ /.test(l));
  if (stack.length > 0) link['stack'] = stack.slice(0, MAX_FRAMES);
  link['level'] = level;
  link['detail'] = (level === '' ? text : `${level}: ${text}`).slice(0, MAX_DETAIL);
  return link as unknown as ChainLink;
}
