/**
 * Batches finished spans and sends them to the collector as OTLP/HTTP protobuf, one export at a
 * time: a batch leaves when it holds 512 spans or a second after its first. A span is encoded
 * into its batch as it is added, so what waits is bytes outside the JS heap, not objects.
 * Nothing here ever waits on the request path: at most 4096 spans wait besides the batch being
 * sent, and when that is full, or the collector refuses or cannot be reached, spans are dropped
 * and counted. A collector going away and coming back is logged once each, not on every batch.
 */
import { Client } from 'undici';
import type { Logger } from 'pino';
import { ExportEnvelope, SpanBatch, type OtlpResource } from './otlp-encoder.js';
import type { SpanRecord } from './span-record.js';

/** Spans waiting for export at most; more are dropped (and counted). */
const MAX_QUEUE = 4096;
const MAX_BATCH = 512;
const BATCH_DELAY_MS = 1_000;
/** Upper bound on one export: a dead collector costs this much of the export loop, never a request. */
const EXPORT_TIMEOUT_MS = 5_000;
/** Sent batches kept for reuse; more are left to the GC. */
const SPARE_BATCHES = 2;

export interface ExportCounters {
  exported(n: number): void;
  dropped(n: number): void;
}

export class SpanExporter {
  readonly #url: URL;
  readonly #client: Client;
  readonly #envelope: ExportEnvelope;
  readonly #counters: ExportCounters;
  readonly #log: Logger;
  /** Full batches waiting, oldest first, then the one being filled. */
  readonly #waiting: SpanBatch[] = [];
  #filling: SpanBatch | undefined;
  /** Sent batches kept for reuse: their buffers are grown already and cost the GC nothing new. */
  readonly #spare: SpanBatch[] = [];
  /** Spans in `#waiting` and `#filling`. */
  #queued = 0;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> | undefined;
  #failing = false;
  #closed = false;

  constructor(url: string, resource: OtlpResource, counters: ExportCounters, log: Logger) {
    this.#url = new URL(url);
    this.#client = new Client(this.#url.origin, { connect: { timeout: EXPORT_TIMEOUT_MS }, headersTimeout: EXPORT_TIMEOUT_MS, bodyTimeout: EXPORT_TIMEOUT_MS });
    this.#envelope = new ExportEnvelope(resource);
    this.#counters = counters;
    this.#log = log;
  }

  add(span: SpanRecord): void {
    if (this.#closed || this.#queued >= MAX_QUEUE) {
      this.#counters.dropped(1);
      return;
    }
    const batch = (this.#filling ??= this.#spare.pop() ?? new SpanBatch(this.#envelope));
    batch.add(span);
    this.#queued++;
    if (batch.count === MAX_BATCH) {
      this.#waiting.push(batch);
      this.#filling = undefined;
    }
    if (this.#sending !== undefined) return;
    if (this.#waiting.length > 0) this.#send();
    else this.#sendLater();
  }

  /** A partly filled batch leaves a second after it was started, unless it fills first. */
  #sendLater(): void {
    this.#timer ??= setTimeout(() => this.#send(), BATCH_DELAY_MS).unref();
  }

  /** Sends the oldest full batch, else the one being filled. */
  #send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#waiting.shift() ?? this.#filling;
    if (batch === undefined) return;
    if (batch === this.#filling) this.#filling = undefined;
    this.#queued -= batch.count;
    this.#sending = this.#post(batch).finally(() => {
      this.#sending = undefined;
      if (this.#waiting.length > 0) this.#send();
      else if (this.#filling !== undefined) this.#sendLater();
    });
  }

  async #post(batch: SpanBatch): Promise<void> {
    let failure: string | undefined;
    try {
      const body = this.#envelope.wrap(batch);
      const res = await this.#client.request({
        method: 'POST',
        path: this.#url.pathname + this.#url.search,
        headers: { 'content-type': 'application/x-protobuf' },
        body,
      });
      // The body is read in full so the connection can carry the next export.
      await res.body.dump();
      if (res.statusCode < 200 || res.statusCode > 299) failure = `collector answered ${res.statusCode}`;
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    if (failure === undefined) {
      this.#counters.exported(batch.count);
      // Reused only after a 2xx: the collector has read the whole body, so no write still holds it.
      batch.reset();
      if (this.#spare.length < SPARE_BATCHES) this.#spare.push(batch);
      if (this.#failing) this.#log.info({ otlp: this.#url.href }, 'trace collector reachable again');
      this.#failing = false;
    } else {
      this.#counters.dropped(batch.count);
      if (!this.#failing) this.#log.warn({ otlp: this.#url.href, err: failure }, 'trace export failed; dropping spans until the collector answers');
      this.#failing = true;
    }
  }

  /** Sends what is queued; a collector that is down loses those spans (counted). */
  async shutdown(): Promise<void> {
    this.#closed = true;
    while (this.#sending !== undefined || this.#queued > 0) {
      if (this.#sending === undefined) this.#send();
      await this.#sending;
    }
    await this.#client.close().catch(() => undefined);
  }
}
