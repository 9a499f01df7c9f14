/**
 * The running totals of a scan. Each worker thread fills its own `Stats` and sends a snapshot;
 * the main thread merges them. `add` runs once per log line, so it avoids allocation: a path
 * seen before costs one Map lookup, and its route entry is reached through it.
 */
import type { LogRecord } from '../format/log-record.js';
import { addInto, BUCKETS, bucketOf } from './histogram.js';
import { ipv4Key, ipv4String } from './ipv4-key.js';
import { routePattern } from './route-pattern.js';

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
}

export interface PathTotals {
  requests: number;
  bytes: number;
  /** Undefined for paths merged from another thread, whose lines never pass through `add` here. */
  route: RouteTotals | undefined;
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
  readonly samples: readonly MalformedSample[];
  readonly statuses: Float64Array;
  readonly latency: RouteTotals;
  /** stride 1: requests. */
  readonly clients: CountTable;
  /** IPv4 clients as numbers (ipv4-key.ts): keys in a typed array, no strings to clone. */
  readonly ipv4Clients: { readonly keys: Float64Array; readonly values: Float64Array };
  readonly methods: CountTable;
  /** stride 2: requests, bytes. */
  readonly paths: CountTable;
  readonly routes: Map<string, RouteTotals>;
  readonly minutes: Map<number, MinuteTotals>;
}

function countTable(map: ReadonlyMap<string, Count>): CountTable {
  const values = new Float64Array(map.size);
  let i = 0;
  for (const c of map.values()) values[i++] = c.n;
  return { keys: [...map.keys()], values };
}

export function newRouteTotals(): RouteTotals {
  return { requests: 0, errors: 0, clientErrors: 0, bytes: 0, latencyCount: 0, latencySumUs: 0, latencyMaxUs: 0, hist: undefined };
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
}

function count(into: RouteTotals, rec: LogRecord): void {
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

/**
 * A flat copy of a key about to be stored. Keys are slices of the 1 MiB chunk string a line came
 * from, and V8 keeps a slice's whole parent alive: storing slices would hold the entire log in
 * memory. Only new keys pay for this, a small minority of lines.
 */
function own(key: string): string {
  // Concatenating makes V8 flatten into a fresh string of the key's length; the slice taken from
  // it points there, not into the chunk. Shorter slices than 13 characters V8 copies itself.
  return key.length < 13 ? key : (' ' + key).slice(1);
}

function increment(map: Map<string, Count>, key: string, by = 1): void {
  const c = map.get(key);
  if (c === undefined) map.set(own(key), { n: by });
  else c.n += by;
}

/** Every client with its count, IPv4 ones turned back into text. */
export function* allClients(stats: Stats): Generator<[string, Count]> {
  yield* stats.clients;
  for (const [k, c] of stats.ipv4Clients) yield [ipv4String(k), c];
}

export class Stats {
  requests = 0;
  bytes = 0;
  malformed = 0;
  readonly samples: MalformedSample[] = [];
  readonly statuses = new Float64Array(1000);
  readonly latency = newRouteTotals();
  /** Clients that are not plain IPv4 addresses; those are counted in `ipv4Clients`. */
  readonly clients = new Map<string, Count>();
  readonly ipv4Clients = new Map<number, Count>();
  readonly methods = new Map<string, Count>();
  readonly routes = new Map<string, RouteTotals>();
  readonly minutes = new Map<number, MinuteTotals>();
  readonly #paths = new Map<string, PathTotals>();
  readonly #maxSamples: number;
  #lastMinute = NaN;
  #lastMethod = '';
  #lastMethodCount: Count | undefined;
  #lastMinuteTotals: MinuteTotals | undefined;

  constructor(maxSamples: number) {
    this.#maxSamples = maxSamples;
  }

  add(rec: LogRecord): void {
    this.requests++;
    this.bytes += rec.bytes;
    this.statuses[rec.status] = (this.statuses[rec.status] as number) + 1;
    const v4 = ipv4Key(rec.client);
    if (v4 === -1) increment(this.clients, rec.client);
    else {
      const c = this.ipv4Clients.get(v4);
      if (c === undefined) this.ipv4Clients.set(v4, { n: 1 });
      else c.n++;
    }
    if (rec.method !== '') {
      // Nearly every line repeats one of a handful of methods: compare before hashing.
      if (rec.method === this.#lastMethod && this.#lastMethodCount !== undefined) this.#lastMethodCount.n++;
      else {
        increment(this.methods, rec.method);
        this.#lastMethod = rec.method;
        this.#lastMethodCount = this.methods.get(rec.method);
      }
    }
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

    const target = rec.target;
    if (target === '') return; // an unreadable request line has no path to count
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    let p = this.#paths.get(path);
    if (p === undefined) {
      p = { requests: 0, bytes: 0, route: undefined };
      this.#paths.set(own(path), p);
    }
    p.requests++;
    p.bytes += rec.bytes;
    // A route the gateway logged wins over the one guessed from the path's shape.
    if (rec.route !== undefined) count(this.#route(rec.route), rec);
    else count((p.route ??= this.#route(routePattern(path))), rec);
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

  /** Distinct paths (query removed) with their totals. */
  get paths(): ReadonlyMap<string, PathTotals> {
    return this.#paths;
  }

  snapshot(): StatsSnapshot {
    const keys: string[] = [];
    const values = new Float64Array(this.#paths.size * 2);
    let i = 0;
    for (const [path, p] of this.#paths) {
      keys.push(path);
      values[i++] = p.requests;
      values[i++] = p.bytes;
    }
    return {
      requests: this.requests,
      bytes: this.bytes,
      malformed: this.malformed,
      samples: this.samples,
      statuses: this.statuses,
      latency: this.latency,
      clients: countTable(this.clients),
      ipv4Clients: { keys: Float64Array.from(this.ipv4Clients.keys()), values: Float64Array.from(this.ipv4Clients.values(), (c) => c.n) },
      methods: countTable(this.methods),
      paths: { keys, values },
      routes: this.routes,
      minutes: this.minutes,
    };
  }

  /** Adds another scan's snapshot into this one. */
  merge(s: StatsSnapshot): void {
    this.requests += s.requests;
    this.bytes += s.bytes;
    this.malformed += s.malformed;
    this.samples.push(...s.samples); // each part kept at most maxSamples; the report sorts and cuts
    for (let i = 0; i < this.statuses.length; i++) this.statuses[i] = (this.statuses[i] as number) + (s.statuses[i] as number);
    addRouteTotals(this.latency, s.latency);
    s.clients.keys.forEach((k, i) => increment(this.clients, k, s.clients.values[i] as number));
    s.ipv4Clients.keys.forEach((k, i) => {
      const n = s.ipv4Clients.values[i] as number;
      const c = this.ipv4Clients.get(k);
      if (c === undefined) this.ipv4Clients.set(k, { n });
      else c.n += n;
    });
    s.methods.keys.forEach((k, i) => increment(this.methods, k, s.methods.values[i] as number));
    for (const [k, v] of s.routes) addRouteTotals(this.#route(k), v);
    const pv = s.paths.values;
    s.paths.keys.forEach((k, i) => {
      let p = this.#paths.get(k);
      if (p === undefined) this.#paths.set(k, (p = { requests: 0, bytes: 0, route: undefined }));
      p.requests += pv[2 * i] as number;
      p.bytes += pv[2 * i + 1] as number;
    });
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
