/**
 * Parses the CGI response head PHP writes at the start of stdout (RFC 3875 section 6) the way
 * nginx's fastcgi module does: `Status:` sets the status (an invalid one is a 502), `Location`
 * without `Status` means 302, repeated headers (every `Set-Cookie`) are all kept, and the
 * `X-Accel-*` controls are acted on and never forwarded to the client.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { SwitchyardError } from '../../errors.js';

export interface CgiHead {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  /** X-Accel-Redirect: a URI under root to serve instead of the body. */
  readonly accelRedirect: string | undefined;
  /** False when PHP sent `X-Accel-Buffering: no`. */
  readonly buffering: boolean;
}

/** nginx refuses heads larger than fastcgi_buffer_size ("upstream sent too big header"). */
export const MAX_HEAD_BYTES = 64 * 1024;

/** Hop-by-hop fields (RFC 9110 section 7.6.1) are the gateway's to set, not PHP's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection']);

/**
 * Collects stdout until the blank line that ends the head. `push` returns undefined until then,
 * and afterwards the parsed head plus the body bytes that came with it.
 */
export class CgiHeadParser {
  readonly #label: string;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(label: string) {
    this.#label = label;
  }

  push(chunk: Buffer): { head: CgiHead; body: Buffer } | undefined {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    const all = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks);
    this.#chunks = [all];
    const end = findHeadEnd(all);
    if (end === undefined) {
      if (this.#size > MAX_HEAD_BYTES) {
        throw new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${this.#label} sent a response head over ${MAX_HEAD_BYTES} bytes`);
      }
      return undefined;
    }
    return { head: parseHead(all.toString('latin1', 0, end.headEnd), this.#label), body: all.subarray(end.bodyStart) };
  }

  /** stdout ended before a complete head. */
  incomplete(): SwitchyardError {
    return new SwitchyardError(
      'SY_ERR_UPSTREAM_PROTOCOL',
      this.#size === 0 ? `${this.#label} ended the request without sending a response` : `${this.#label} ended the request inside the response head`,
    );
  }
}

function findHeadEnd(buf: Buffer): { headEnd: number; bodyStart: number } | undefined {
  // PHP ends lines with CRLF; tolerate bare LF as nginx does.
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) {
    if (buf[i + 1] === 10) return { headEnd: i, bodyStart: i + 2 };
    if (buf[i + 1] === 13 && buf[i + 2] === 10) return { headEnd: i, bodyStart: i + 3 };
  }
  return undefined;
}

export function parseHead(text: string, label: string): CgiHead {
  const headers: OutgoingHttpHeaders = {};
  let status: number | undefined;
  let accelRedirect: string | undefined;
  let buffering = true;
  let location = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${label} sent an invalid header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (err) {
      throw new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${label} sent an invalid header ${JSON.stringify(name.slice(0, 80))}`, { cause: err });
    }
    switch (name) {
      case 'status': {
        // nginx takes the first three characters as the status; anything else is invalid.
        const m = /^([1-9]\d\d)(?:\s.*)?$/.exec(value);
        if (m === null) throw new SwitchyardError('SY_ERR_FASTCGI_STATUS', `${label} sent "Status: ${value.slice(0, 40)}", which is not a valid HTTP status`);
        status = Number(m[1]);
        continue;
      }
      case 'x-accel-redirect':
        accelRedirect = value;
        continue;
      case 'x-accel-buffering':
        buffering = value.toLowerCase() !== 'no';
        continue;
      case 'x-accel-charset':
      case 'x-accel-expires':
      case 'x-accel-limit-rate':
        continue;
      case 'location':
        location = true;
        break;
      default:
        if (HOP_BY_HOP.has(name)) continue;
    }
    const previous = headers[name];
    if (previous === undefined) headers[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else headers[name] = [String(previous), value];
  }
  return { status: status ?? (location ? 302 : 200), headers, accelRedirect, buffering };
}
