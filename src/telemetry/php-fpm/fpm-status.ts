/**
 * Reads php-fpm's status page (`pm.status_path`) over FastCGI, as a web server would forward
 * `GET /fpm-status?json`, and parses the JSON form. php-fpm answers it from a worker, so a
 * saturated pool answers late: the read has a short deadline and a late or garbled answer is an
 * error for the caller to count, never a wait for requests.
 */
import type { ListenAddress } from '../../config/types.js';
import { FastcgiConnection, type RequestSink } from '../../upstream/fastcgi/connection.js';
import { encodeParams } from '../../upstream/fastcgi/params.js';

/** The php-fpm status fields the gateway exports (names as php-fpm spells them in JSON). */
export interface FpmStatus {
  readonly activeProcesses: number;
  readonly idleProcesses: number;
  readonly totalProcesses: number;
  readonly listenQueue: number;
  readonly maxListenQueue: number;
  readonly maxChildrenReached: number;
  readonly slowRequests: number;
  readonly acceptedConn: number;
}

const FIELDS: Record<keyof FpmStatus, string> = {
  activeProcesses: 'active processes',
  idleProcesses: 'idle processes',
  totalProcesses: 'total processes',
  listenQueue: 'listen queue',
  maxListenQueue: 'max listen queue',
  maxChildrenReached: 'max children reached',
  slowRequests: 'slow requests',
  acceptedConn: 'accepted conn',
};

export class FpmStatusError extends Error {
  override readonly name = 'FpmStatusError';
}

export async function fetchFpmStatus(address: ListenAddress, statusPath: string, timeoutMs: number): Promise<FpmStatus> {
  return parseFpmStatus(await fetchFpmStatusPage(address, statusPath, 'json', timeoutMs));
}

/** The status page's raw CGI response for a query (`json`, `full&json`). */
export async function fetchFpmStatusPage(address: ListenAddress, statusPath: string, query: string, timeoutMs: number): Promise<string> {
  const conn = await FastcgiConnection.connect(address, 'php-fpm status', timeoutMs, timeoutMs);
  const body = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sink: RequestSink = {
      stdout: (chunk) => chunks.push(chunk),
      stderr: () => {},
      end: () => resolve(Buffer.concat(chunks)),
      error: (err) => reject(err),
    };
    const params: [string, string][] = [
      ['REQUEST_METHOD', 'GET'],
      ['SCRIPT_NAME', statusPath],
      ['SCRIPT_FILENAME', statusPath],
      ['REQUEST_URI', `${statusPath}?${query}`],
      ['DOCUMENT_URI', statusPath],
      ['QUERY_STRING', query],
      ['SERVER_SOFTWARE', 'switchyard'],
      ['GATEWAY_INTERFACE', 'CGI/1.1'],
    ];
    conn.begin(sink, encodeParams(params), false, true);
  }).finally(() => conn.destroy());
  return body.toString('utf8');
}

/** Parses a CGI response holding php-fpm's JSON status; throws FpmStatusError on anything else. */
export function parseFpmStatus(response: string): FpmStatus {
  const split = /\r?\n\r?\n/.exec(response);
  const head = split === null ? '' : response.slice(0, split.index);
  const body = split === null ? response : response.slice(split.index + split[0].length);
  const status = /^status:\s*(\d+)/im.exec(head);
  if (status !== null && status[1] !== '200') throw new FpmStatusError(`status page answered ${status[1]} (is pm.status_path set to this path?)`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new FpmStatusError(`status page did not return JSON: ${JSON.stringify(body.slice(0, 60))}`);
  }
  if (typeof json !== 'object' || json === null) throw new FpmStatusError('status page JSON is not an object');
  const out: Record<string, number> = {};
  for (const [key, field] of Object.entries(FIELDS)) {
    const value = (json as Record<string, unknown>)[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new FpmStatusError(`status page lacks a numeric "${field}"`);
    out[key] = value;
  }
  return out as unknown as FpmStatus;
}
