/**
 * The metrics wasm plugins define (`proxy_define_metric`), served in /metrics as
 * `switchyard_wasm_<name>` with the plugin's middleware name as the `plugin` label. A module
 * names its metrics at run time, so they cannot be declared with the gateway's own: each is made
 * in every registry attached here (the gateway's, when telemetry starts) the first time a plugin
 * defines it. Names are reduced to Prometheus' alphabet; the same name defined with another type
 * by another plugin is refused (logged), as one family has one type.
 */
import { Counter, Gauge, Histogram, type Registry, type RegistryContentType } from 'prom-client';
import type { Logger } from 'pino';
import { MetricType } from './abi.js';
import type { MetricOp } from './messages.js';

type Family = Counter<'plugin'> | Gauge<'plugin'> | Histogram<'plugin'>;

const BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

interface Defined {
  readonly type: number;
  readonly name: string;
  readonly families: Family[];
}

class WasmMetrics {
  readonly #registries: Registry<RegistryContentType>[] = [];
  /** By exposed name. */
  readonly #families = new Map<string, Defined>();

  /** Metrics defined from now on (and those defined before) appear in `registry` too. */
  attach(registry: Registry<RegistryContentType>): void {
    if (this.#registries.includes(registry)) return;
    this.#registries.push(registry);
    for (const defined of this.#families.values()) defined.families.push(make(defined.type, defined.name, registry));
  }

  /** Applies a plugin's operations; `ids` maps the plugin's metric ids to exposed names (kept by the caller). */
  apply(plugin: string, ops: readonly MetricOp[], ids: Map<number, Defined | undefined>, log: Logger): void {
    for (const op of ops) {
      if (op.op === 'define') {
        const name = `switchyard_wasm_${op.name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
        let defined = this.#families.get(name);
        if (defined === undefined) {
          defined = { type: op.type, name, families: this.#registries.map((r) => make(op.type, name, r)) };
          this.#families.set(name, defined);
        } else if (defined.type !== op.type) {
          log.warn({ plugin, metric: op.name }, 'wasm metric is already defined with another type; its values are dropped');
          ids.set(op.id, undefined);
          continue;
        }
        ids.set(op.id, defined);
        continue;
      }
      const defined = ids.get(op.id);
      if (defined === undefined) continue;
      for (const family of defined.families) {
        if (op.op === 'observe') (family as Histogram<'plugin'>).observe({ plugin }, op.value);
        else if (op.op === 'add') (family as Counter<'plugin'> | Gauge<'plugin'>).inc({ plugin }, op.value);
        else if (family instanceof Gauge) family.set({ plugin }, op.value);
        else if (family instanceof Counter) {
          // proxy_record_metric on a counter sets its total.
          family.reset();
          family.inc({ plugin }, op.value);
        }
      }
    }
  }
}

function make(type: number, name: string, registry: Registry<RegistryContentType>): Family {
  const config = { name, help: `proxy-wasm metric ${name.slice('switchyard_wasm_'.length)}, by plugin`, labelNames: ['plugin'] as const, registers: [registry as Registry] };
  if (type === MetricType.Counter) return new Counter(config);
  // Each worker process holds its plugins' own gauges: the primary adds them up.
  if (type === MetricType.Gauge) return new Gauge({ ...config, aggregator: 'sum' });
  return new Histogram({ ...config, buckets: BUCKETS });
}

export type { Defined as WasmMetricFamily };

/** One per process: plugins and the gateway's registry meet here. */
export const wasmMetrics = new WasmMetrics();
