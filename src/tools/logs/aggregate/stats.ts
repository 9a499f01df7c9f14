/**
 * The running totals of a scan. Each worker thread fills its own `Stats` and sends a snapshot;
 * the main thread merges them. `add` (a parsed record of strings) and `addBytes` (byte ranges of
 * a text-layout line) run once per log line, so they avoid allocation: a path seen before costs
 * one probe of a key table (key-table.ts), and its route entry is reached through its record.
 */
import type { FilterSpec } from '../filter/filter-spec.js';
import { RecordFilter } from '../filter/record-filter.js';
import type { ByteRecord } from '../format/layout-bytes.js';
import type { LogRecord } from '../format/log-record.js';
import { addInto, BUCKETS, bucketOf } from './histogram.js';
import { ipv4Key, ipv4KeyOfBytes, ipv4String } from './ipv4-key.js';
import { Ipv4Table } from './ipv4-table.js';
import { KeyTable, own, type KeySnapshot } from './key-table.js';
import { SpaceSaving, type SketchSnapshot } from './space-saving.js';
import { pathShape, routePattern } from './route-pattern.js';

/** What a scan needs besides its input, as plain data a worker thread can be given. */
export interface ScanSettings {
  /** Malformed lines kept as samples. */
  readonly maxSamples: number;
  /** `--filter`, `--since`, `--until`; undefined when none is given. */
  readonly filter: FilterSpec | undefined;
  /** `--max-keys`: distinct keys a table counts exactly; later keys go to a Space-Saving sketch. */
  readonly maxKeys: number;
}

/** The tables that may overflow into a sketch. */
export type SketchedTable = 'clients' | 'paths' | 'userAgents' | 'referrers';

export interface RouteTotals {
  requests: number;
  /** 5xx answers: the server's failures, which is what a migration should remove. */
  errors: number;
  clientErrors: number;
  bytes: number;
  latencyCount: number;
  latencySumUs: number;
  latencyMaxUs: number;
  /** Allocated on the first request with a duration; logs without one never pay for it. */
  hist: Uint32Array | undefined;
  /**
   * Requests per route the gateway says it matched (the `route` of Switchyard's JSON log:
   * a route's name, or its path such as the legacy catch-all `/{path?}`). Undefined for logs
   * that do not say; made on the first line that does.
   */
  configured: Map<string, number> | undefined;
}

export interface PathTotals {
  readonly requests: number;
  readonly bytes: number;
}

/** A boxed count: bumping an existing key is one Map lookup instead of a get and a set. */
export interface Count {
  n: number;
}

export interface MinuteTotals {
  requests: number;
  errors: number;
}

export interface MalformedSample {
  /** Which input, and which of its chunks (see scan/plan.ts), to turn into a line number later. */
  readonly source: number;
  readonly chunk: number;
  readonly lineInChunk: number;
  readonly text: string;
}

/**
 * Keys with their numbers side by side (`stride` numbers per key). Structured clone copies a
 * string array and one typed array far faster than a Map of small objects: with 100k+ distinct
 * paths, posting a worker's totals as Maps took longer than a quarter of the scan.
 */
export interface CountTable {
  readonly keys: readonly string[];
  readonly values: Float64Array;
}

/** Plain data for postMessage; `Stats.merge` adds one into another. */
export interface StatsSnapshot {
  readonly requests: number;
  readonly bytes: number;
  readonly malformed: number;
  readonly filtered: number;
  readonly samples: readonly MalformedSample[];
  readonly statuses: Float64Array;
  readonly latency: RouteTotals;
  /** stride 1: requests. */
  readonly clients: KeySnapshot;
  /** IPv4 clients as numbers (ipv4-key.ts): keys in a typed array, no strings to clone. */
  readonly ipv4Clients: { readonly keys: Uint32Array; readonly values: Float64Array };
  readonly methods: CountTable;
  /** stride 1: requests. */
  readonly userAgents: KeySnapshot;
  readonly referrers: KeySnapshot;
  /** stride 2: requests, bytes. */
  readonly paths: KeySnapshot;
  readonly routes: Map<string, RouteTotals>;
  readonly minutes: Map<number, MinuteTotals>;
  readonly sketches: Partial<Record<SketchedTable, SketchSnapshot>>;
}

function countTable(map: ReadonlyMap<string, Count>): CountTable {
  const values = new Float64Array(map.size);
  let i = 0;
  for (const c of map.values()) values[i++] = c.n;
  return { keys: [...map.keys()], values };
}

export function newRouteTotals(): RouteTotals {
  return { requests: 0, errors: 0, clientErrors: 0, bytes: 0, latencyCount: 0, latencySumUs: 0, latencyMaxUs: 0, hist: undefined, configured: undefined };
}

/** Counts `n` requests of a route pattern as served by the configured route `name`. */
function addConfigured(into: RouteTotals, name: string, n: number): void {
  const configured = (into.configured ??= new Map());
  configured.set(name, (configured.get(name) ?? 0) + n);
}

export function addRouteTotals(into: RouteTotals, from: RouteTotals): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.clientErrors += from.clientErrors;
  into.bytes += from.bytes;
  into.latencyCount += from.latencyCount;
  into.latencySumUs += from.latencySumUs;
  into.latencyMaxUs = Math.max(into.latencyMaxUs, from.latencyMaxUs);
  if (from.hist !== undefined) addInto((into.hist ??= new Uint32Array(BUCKETS)), from.hist);
  if (from.configured !== undefined) for (const [name, n] of from.configured) addConfigured(into, name, n);
}

function count(into: RouteTotals, rec: { readonly bytes: number; readonly status: number; readonly latencyUs: number }): void {
  into.requests++;
  into.bytes += rec.bytes;
  if (rec.status >= 500) into.errors++;
  else if (rec.status >= 400) into.clientErrors++;
  const us = rec.latencyUs;
  if (us === us) {
    into.latencyCount++;
    into.latencySumUs += us;
    if (us > into.latencyMaxUs) into.latencyMaxUs = us;
    const hist = (into.hist ??= new Uint32Array(BUCKETS));
    const b = bucketOf(us);
    hist[b] = (hist[b] as number) + 1;
  }
}

/** Adds one to a stride-1 table's key; the ref is taken first, as taking it may replace `values`. */
function bump(t: KeyTable, ref: number): void {
  t.values[ref] = (t.values[ref] as number) + 1;
}

function increment(map: Map<string, Count>, key: string, by = 1): void {
  const c = map.get(key);
  if (c === undefined) map.set(own(key), { n: by });
  else c.n += by;
}

/**
 * Every client with its count, IPv4 ones turned back into text; IPv4 clients with fewer than
 * `minIpv4` requests are left out (no string is made for them), as allPaths does for paths.
 */
export function* allClients(stats: Stats, minIpv4 = 0, ipv4 = stats.ipv4Clients.toArrays()): Generator<[string, Count]> {
  yield* allKeys(stats, 'clients');
  const { keys, values } = ipv4;
  for (let i = 0; i < keys.length; i++) {
    const n = values[i] as number;
    if (n >= minIpv4) yield [ipv4String(keys[i] as number), { n }];
  }
}

/**
 * Every key of a stride-1 table with its count, then the keys its sketch holds (a key is in one
 * or the other: once in the table it is always found there).
 */
export function* allKeys(stats: Stats, table: 'clients' | 'userAgents' | 'referrers'): Generator<[string, Count]> {
  const t = stats[table];
  for (let i = 0; i < t.size; i++) {
    const ref = t.refAt(i);
    yield [t.key(ref), { n: t.values[ref] as number }];
  }
  for (const e of stats.sketches.get(table)?.entries() ?? []) yield [e.key, { n: e.count }];
}

/** Every distinct path (query removed) with at least `minRequests` requests, with its totals. */
export function* allPaths(stats: Stats, minRequests = 0): Generator<[string, PathTotals]> {
  const t = stats.paths;
  for (const ref of t.refsAtLeast(0, minRequests)) yield [t.key(ref), { requests: t.values[ref] as number, bytes: t.values[ref + 1] as number }];
  for (const e of stats.sketches.get('paths')?.entries() ?? []) yield [e.key, { requests: e.count, bytes: e.extra }];
}

export class Stats {
  requests = 0;
  bytes = 0;
  malformed = 0;
  /** Requests left out by `--filter`, `--since` or `--until`. */
  filtered = 0;
  /** Undefined without filters: then a line pays one field check for them. */
  readonly #filter: RecordFilter | undefined;
  readonly samples: MalformedSample[] = [];
  readonly statuses = new Float64Array(1000);
  readonly latency = newRouteTotals();
  /** Requests per client that is not a plain IPv4 address; those are counted in `ipv4Clients`. */
  readonly clients: KeyTable;
  readonly ipv4Clients: Ipv4Table;
  readonly methods = new Map<string, Count>();
  /** Requests per User-Agent and per Referer header, as logged (`-` and empty are not counted). */
  readonly userAgents: KeyTable;
  readonly referrers: KeyTable;
  /** Keys that arrived once their table was full (`--max-keys`); made on the first one. */
  readonly sketches = new Map<SketchedTable, SpaceSaving>();
  readonly #maxKeys: number;
  readonly routes = new Map<string, RouteTotals>();
  readonly minutes = new Map<number, MinuteTotals>();
  /** Requests and bytes per distinct path (query removed). */
  readonly paths: KeyTable;
  /**
   * The routes by number; a path's record keeps its route's number + 1 (0: not known yet, as
   * for paths merged in) next to its counts and its bytes, so a line reaches all in one record.
   */
  readonly #routeList: RouteTotals[] = [];
  readonly #routeNumbers = new Map<RouteTotals, number>();
  /** Route number + 1 of each path shape (route-pattern.ts `pathShape`), and room to write a shape. */
  readonly #shapes = new KeyTable(0, 1);
  #shape = Buffer.alloc(1024);
  readonly #maxSamples: number;
  #lastMinute = NaN;
  #lastMethod = '';
  #lastMethodCount: Count | undefined;
  #lastMinuteTotals: MinuteTotals | undefined;

  constructor(settings: ScanSettings) {
    this.#maxSamples = settings.maxSamples;
    const limit = (this.#maxKeys = settings.maxKeys);
    this.clients = new KeyTable(1, 0, limit);
    this.ipv4Clients = new Ipv4Table(limit);
    this.userAgents = new KeyTable(1, 0, limit);
    this.referrers = new KeyTable(1, 0, limit);
    this.paths = new KeyTable(2, 1, limit);
    this.#filter = settings.filter === undefined ? undefined : new RecordFilter(settings.filter);
  }

  add(rec: LogRecord): void {
    if (this.#filter !== undefined && !this.#filter.keeps(rec)) {
      this.filtered++;
      return;
    }
    const v4 = ipv4Key(rec.client);
    if (v4 !== -1) {
      if (!this.ipv4Clients.add(v4, 1)) this.#overflow('clients', rec.client, 1);
    } else this.#countKey(this.clients, 'clients', this.clients.refOfString(rec.client), rec.client);
    if (rec.method !== '') {
      // Nearly every line repeats one of a handful of methods: compare before hashing.
      if (rec.method === this.#lastMethod && this.#lastMethodCount !== undefined) this.#lastMethodCount.n++;
      else this.#method(rec.method);
    }
    if (rec.userAgent !== '') this.#countKey(this.userAgents, 'userAgents', this.userAgents.refOfString(rec.userAgent), rec.userAgent);
    if (rec.referrer !== '') this.#countKey(this.referrers, 'referrers', this.referrers.refOfString(rec.referrer), rec.referrer);
    this.#common(rec);

    const target = rec.target;
    if (target === '') return; // an unreadable request line has no path to count
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    const ref = this.paths.refOfString(path);
    let route: RouteTotals;
    if (ref === -1) {
      this.#overflow('paths', path, 1, rec.bytes);
      route = this.#route(routePattern(path));
    } else {
      this.#countPath(ref, rec);
      let r = this.paths.values[ref + 2] as number;
      if (r === 0) this.paths.values[ref + 2] = r = this.#routeNumber(this.#route(routePattern(this.paths.key(ref)))) + 1;
      route = this.#routeList[r - 1] as RouteTotals;
    }
    count(route, rec);
    // The pattern comes from the path even when the gateway logged its route: before a migration
    // every legacy request matches the one catch-all route, which says nothing about what to move.
    if (rec.route !== undefined) addConfigured(route, rec.route, 1);
  }

  /** `add` for a line read by format/layout-bytes.ts: keys are hashed from `buf`'s bytes. */
  addBytes(buf: Buffer, rec: ByteRecord): void {
    if (this.#filter !== undefined && !this.#filter.keepsBytes(buf, rec)) {
      this.filtered++;
      return;
    }
    const v4 = ipv4KeyOfBytes(buf, rec.clientStart, rec.clientEnd);
    if (v4 === -1) this.#countBytes(this.clients, 'clients', buf, rec.clientStart, rec.clientEnd, this.clients.refOfBytes(buf, rec.clientStart, rec.clientEnd));
    else if (!this.ipv4Clients.add(v4, 1)) this.#overflow('clients', ipv4String(v4), 1);
    const methodLength = rec.methodEnd - rec.methodStart;
    if (methodLength > 0) {
      const last = this.#lastMethod;
      let same = this.#lastMethodCount !== undefined && methodLength === last.length;
      for (let k = 0; same && k < methodLength; k++) same = buf[rec.methodStart + k] === last.charCodeAt(k);
      if (same) (this.#lastMethodCount as Count).n++;
      else this.#method(buf.toString('latin1', rec.methodStart, rec.methodEnd));
    }
    if (rec.userAgentEnd > rec.userAgentStart) {
      const { userAgentStart: from, userAgentEnd: to } = rec;
      this.#countBytes(this.userAgents, 'userAgents', buf, from, to, this.userAgents.refOfHashedBytes(buf, from, to, rec.userAgentHash));
    }
    if (rec.referrerEnd > rec.referrerStart) {
      const { referrerStart: from, referrerEnd: to } = rec;
      this.#countBytes(this.referrers, 'referrers', buf, from, to, this.referrers.refOfHashedBytes(buf, from, to, rec.referrerHash));
    }
    this.#common(rec);

    const start = rec.targetStart;
    const end = rec.targetEnd;
    if (end === start) return; // an unreadable request line has no path to count
    let pathEnd = start;
    while (pathEnd < end && buf[pathEnd] !== 63) pathEnd++; // '?'
    const ref = this.paths.refOfBytes(buf, start, pathEnd);
    if (ref === -1) {
      this.#pathOverflow(buf, start, pathEnd, rec);
      return;
    }
    this.#countPath(ref, rec);
    let r = this.paths.values[ref + 2] as number;
    if (r === 0) this.paths.values[ref + 2] = r = this.#routeOfShape(buf, start, pathEnd) + 1;
    count(this.#routeList[r - 1] as RouteTotals, rec);
  }

  /** The route number of a path first seen here, found through its shape: no string for most paths. */
  #routeOfShape(buf: Buffer, start: number, end: number): number {
    if (this.#shape.length < 2 * (end - start)) this.#shape = Buffer.alloc(4 * (end - start));
    const shapes = this.#shapes;
    const o = shapes.refOfBytes(this.#shape, 0, pathShape(buf, start, end, this.#shape));
    let r = shapes.values[o] as number;
    if (r === 0) shapes.values[o] = r = this.#routeNumber(this.#route(routePattern(buf.toString('latin1', start, end)))) + 1;
    return r - 1;
  }

  #routeNumber(route: RouteTotals): number {
    let n = this.#routeNumbers.get(route);
    if (n === undefined) {
      n = this.#routeList.push(route) - 1;
      this.#routeNumbers.set(route, n);
    }
    return n;
  }

  /** What every line adds whatever its format: totals, status, overall latency, its minute. */
  #common(rec: { readonly bytes: number; readonly status: number; readonly latencyUs: number; readonly time: number }): void {
    this.requests++;
    this.bytes += rec.bytes;
    this.statuses[rec.status] = (this.statuses[rec.status] as number) + 1;
    count(this.latency, rec);
    const minute = Math.floor(rec.time / 60_000);
    if (minute === minute) {
      let m = this.#lastMinuteTotals;
      if (minute !== this.#lastMinute || m === undefined) {
        m = this.minutes.get(minute);
        if (m === undefined) this.minutes.set(minute, (m = { requests: 0, errors: 0 }));
        this.#lastMinute = minute;
        this.#lastMinuteTotals = m;
      }
      m.requests++;
      if (rec.status >= 500) m.errors++;
    }
  }

  #method(method: string): void {
    increment(this.methods, method);
    this.#lastMethod = own(method);
    this.#lastMethodCount = this.methods.get(method);
  }

  /** Counts a key of a stride-1 table given as a string, or in its sketch when the table is full. */
  #countKey(t: KeyTable, table: 'clients' | 'userAgents' | 'referrers', ref: number, key: string): void {
    if (ref === -1) this.#overflow(table, own(key), 1);
    else bump(t, ref);
  }

  /** Counts a key of a stride-1 table read from bytes, or in its sketch when the table is full. */
  #countBytes(t: KeyTable, table: 'clients' | 'userAgents' | 'referrers', buf: Buffer, start: number, end: number, ref: number): void {
    if (ref === -1) this.#overflow(table, buf.toString('latin1', start, end), 1);
    else bump(t, ref); // `this[table]` would be a keyed lookup on every line
  }

  /** A path its table had no room for: counted in the sketch, its route found through its shape. */
  #pathOverflow(buf: Buffer, start: number, end: number, rec: ByteRecord): void {
    this.#overflow('paths', buf.toString('latin1', start, end), 1, rec.bytes);
    count(this.#routeList[this.#routeOfShape(buf, start, end)] as RouteTotals, rec);
  }

  /** Counts a key its table had no room for in the table's Space-Saving sketch. */
  #overflow(table: SketchedTable, key: string, by: number, extra = 0): void {
    this.#sketch(table).add(key, by, extra);
  }

  /** A table's sketch, made on first use. */
  #sketch(table: SketchedTable): SpaceSaving {
    let sketch = this.sketches.get(table);
    if (sketch === undefined) this.sketches.set(table, (sketch = new SpaceSaving(this.#maxKeys)));
    return sketch;
  }

  /** Whether some count comes from a sketch, so may be over the truth. */
  get estimated(): boolean {
    return this.sketches.size > 0;
  }

  /** Counts a line for the path whose record starts at `ref` in `paths.values`. */
  #countPath(ref: number, rec: { readonly bytes: number }): void {
    const values = this.paths.values;
    values[ref] = (values[ref] as number) + 1;
    values[ref + 1] = (values[ref + 1] as number) + rec.bytes;
  }

  addMalformed(source: number, chunk: number, lineInChunk: number, text: string): void {
    this.malformed++;
    if (this.samples.length < this.#maxSamples) this.samples.push({ source, chunk, lineInChunk, text: text.slice(0, 500) });
  }

  #route(pattern: string): RouteTotals {
    let r = this.routes.get(pattern);
    if (r === undefined) this.routes.set(own(pattern), (r = newRouteTotals()));
    return r;
  }

  snapshot(): StatsSnapshot {
    return {
      requests: this.requests,
      bytes: this.bytes,
      malformed: this.malformed,
      filtered: this.filtered,
      samples: this.samples,
      statuses: this.statuses,
      latency: this.latency,
      clients: this.clients.snapshot(),
      ipv4Clients: this.ipv4Clients.toArrays(),
      methods: countTable(this.methods),
      userAgents: this.userAgents.snapshot(),
      referrers: this.referrers.snapshot(),
      paths: this.paths.snapshot(),
      routes: this.routes,
      minutes: this.minutes,
      sketches: Object.fromEntries([...this.sketches].map(([k, s]) => [k, s.snapshot()])),
    };
  }

  /** Adds another scan's snapshot into this one. */
  merge(s: StatsSnapshot): void {
    this.requests += s.requests;
    this.bytes += s.bytes;
    this.malformed += s.malformed;
    this.filtered += s.filtered;
    this.samples.push(...s.samples); // each part kept at most maxSamples; the report sorts and cuts
    for (let i = 0; i < this.statuses.length; i++) this.statuses[i] = (this.statuses[i] as number) + (s.statuses[i] as number);
    addRouteTotals(this.latency, s.latency);
    this.clients.addSnapshot(s.clients, (k, c) => this.#overflow('clients', k, c[0] as number));
    // No reserve for the other thread's addresses: most are already here (the same clients appear
    // in every range), and doubling the table for them cost a rehash and a table that fits the
    // caches worse. A plain loop: this runs once, cold, and a callback per address cost more than
    // the adding.
    const v4 = s.ipv4Clients;
    for (let i = 0; i < v4.keys.length; i++) {
      const k = v4.keys[i] as number;
      const n = v4.values[i] as number;
      if (!this.ipv4Clients.add(k, n)) this.#overflow('clients', ipv4String(k), n);
    }
    s.methods.keys.forEach((k, i) => increment(this.methods, k, s.methods.values[i] as number));
    for (const [k, v] of s.routes) addRouteTotals(this.#route(k), v);
    this.paths.addSnapshot(s.paths, (k, c) => this.#overflow('paths', k, c[0] as number, c[1] as number));
    this.userAgents.addSnapshot(s.userAgents, (k, c) => this.#overflow('userAgents', k, c[0] as number));
    this.referrers.addSnapshot(s.referrers, (k, c) => this.#overflow('referrers', k, c[0] as number));
    for (const [table, sketch] of Object.entries(s.sketches) as [SketchedTable, SketchSnapshot][]) this.#sketch(table).merge(sketch);
    for (const [k, v] of s.minutes) {
      const m = this.minutes.get(k);
      if (m === undefined) this.minutes.set(k, { ...v });
      else {
        m.requests += v.requests;
        m.errors += v.errors;
      }
    }
  }
}
