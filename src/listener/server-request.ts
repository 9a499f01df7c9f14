/**
 * A client's request as the gateway's own HTTP/1.1 listener hands it on: the parsed head with the
 * members the filters, router and upstreams read (`method`, `url`, `headers`, `rawHeaders`,
 * `httpVersion`, `socket`, as node's IncomingMessage has them), and the body as a Readable that
 * the connection fills as bytes arrive. Reading pulls: when nobody reads, the connection stops
 * reading the socket (`onRead` resumes it).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { RequestHead } from './http1/request-head.js';

export class ServerRequest extends Readable {
  readonly method: string;
  /** The request-target as sent. */
  readonly url: string;
  readonly httpVersion: string;
  readonly rawHeaders: string[];
  readonly socket: Socket;
  readonly head: RequestHead;
  /** True once the whole body (and trailers) arrived. */
  complete = false;
  readonly #onRead: () => void;

  constructor(head: RequestHead, socket: Socket, onRead: () => void) {
    super();
    this.head = head;
    this.method = head.method;
    this.url = head.target;
    this.httpVersion = head.httpVersion;
    this.rawHeaders = head.rawHeaders as string[];
    this.socket = socket;
    this.#onRead = onRead;
    if (head.bodyKind === 'none') {
      this.complete = true;
      this.push(null);
    }
  }

  /** Lowercased names, repeated fields joined as node joins them; edits stick (filters make them). */
  get headers(): IncomingHttpHeaders {
    return this.head.headers;
  }

  override _read(): void {
    this.#onRead();
  }

  /** As node's IncomingMessage: an error is only emitted to someone listening for it. */
  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    callback(this.listenerCount('error') > 0 ? err : null);
  }
}
