/**
 * The per-upstream connection table (SPEC section 4): every connection to an upstream, its state
 * (connecting, idle, active, draining), age, requests served, bytes both ways and last error,
 * plus counters for connections opened, closed, failed to connect and closed for hanging (no byte
 * within the timeout). Both protocols report here: the http pools and the FastCGI pool.
 * Bytes are read from the socket when the table is looked at, so the request path pays nothing.
 */

export type ConnectionState = 'connecting' | 'idle' | 'active' | 'draining';

export interface ConnectionView {
  readonly id: number;
  readonly endpoint: string;
  readonly state: ConnectionState;
  readonly ageMs: number;
  readonly requests: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly lastError: string | undefined;
}

export interface ConnectionCounters {
  opened: number;
  closed: number;
  connectFailures: number;
  /** Closed because the upstream sent nothing within the timeout. */
  hung: number;
}

interface SocketLike {
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

export class ConnectionEntry {
  readonly id: number;
  readonly endpoint: string;
  readonly openedAt = Date.now();
  state: ConnectionState = 'connecting';
  requests = 0;
  lastError: string | undefined;
  #socket: SocketLike | undefined;
  readonly #table: ConnectionTable;
  #closed = false;

  constructor(table: ConnectionTable, id: number, endpoint: string) {
    this.#table = table;
    this.id = id;
    this.endpoint = endpoint;
  }

  attach(socket: SocketLike): void {
    this.#socket = socket;
  }

  /** The connection is up; it carries `requests` so far. */
  connected(): void {
    if (this.state === 'connecting') this.state = this.requests > 0 ? 'active' : 'idle';
  }

  startRequest(): void {
    this.requests++;
    if (this.state !== 'connecting') this.state = 'active';
  }

  endRequest(): void {
    if (this.state === 'active') this.state = 'idle';
  }

  /** The connection will close once its request is done (gateway stopping, upstream asked). */
  drain(): void {
    if (this.state !== 'connecting') this.state = 'draining';
  }

  /** Removes the connection; `how` says whether it failed to connect or hung. */
  closed(error?: string, how: 'normal' | 'connect-failure' | 'hung' = 'normal'): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error !== undefined) this.lastError = error;
    this.#table.remove(this, how);
  }

  view(now: number): ConnectionView {
    return {
      id: this.id,
      endpoint: this.endpoint,
      state: this.state,
      ageMs: now - this.openedAt,
      requests: this.requests,
      bytesIn: this.#socket?.bytesRead ?? 0,
      bytesOut: this.#socket?.bytesWritten ?? 0,
      lastError: this.lastError,
    };
  }
}

export class ConnectionTable {
  readonly #open = new Set<ConnectionEntry>();
  readonly counters: ConnectionCounters = { opened: 0, closed: 0, connectFailures: 0, hung: 0 };
  /** Last error seen on any connection of the upstream, with its endpoint. */
  lastError: { readonly endpoint: string; readonly error: string; readonly at: string } | undefined;
  #nextId = 1;

  open(endpoint: string): ConnectionEntry {
    const entry = new ConnectionEntry(this, this.#nextId++, endpoint);
    this.#open.add(entry);
    this.counters.opened++;
    return entry;
  }

  remove(entry: ConnectionEntry, how: 'normal' | 'connect-failure' | 'hung'): void {
    if (!this.#open.delete(entry)) return;
    this.counters.closed++;
    if (how === 'connect-failure') this.counters.connectFailures++;
    if (how === 'hung') this.counters.hung++;
    if (entry.lastError !== undefined) this.lastError = { endpoint: entry.endpoint, error: entry.lastError, at: new Date().toISOString() };
  }

  get size(): number {
    return this.#open.size;
  }

  view(): ConnectionView[] {
    const now = Date.now();
    return [...this.#open].map((e) => e.view(now));
  }
}
