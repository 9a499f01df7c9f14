/**
 * Wraps the OTLP exporter to count what was exported and what was lost, and to log a collector
 * going away and coming back once each rather than on every batch. The batch processor already
 * never blocks a request: spans wait in its bounded queue and are dropped when it is full.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';

export interface ExportCounters {
  exported(n: number): void;
  dropped(n: number): void;
}

export class CountingExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #counters: ExportCounters;
  readonly #log: Logger;
  readonly #url: string;
  #failing = false;

  constructor(inner: SpanExporter, counters: ExportCounters, log: Logger, url: string) {
    this.#inner = inner;
    this.#counters = counters;
    this.#log = log;
    this.#url = url;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.#inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.#counters.exported(spans.length);
        if (this.#failing) this.#log.info({ otlp: this.#url }, 'trace collector reachable again');
        this.#failing = false;
      } else {
        this.#counters.dropped(spans.length);
        if (!this.#failing) this.#log.warn({ otlp: this.#url, err: result.error?.message }, 'trace export failed; dropping spans until the collector answers');
        this.#failing = true;
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
}
