/**
 * A Prometheus histogram whose series the caller holds on to, for metrics observed on every
 * request. prom-client's own Histogram takes a labels object on each observation, validates it
 * and builds a hash string to find the series: over 1 KB of garbage and a microsecond per
 * request, which the gateway pays again in young-generation GC. Here a series is looked up once
 * (GatewayMetrics keeps them by route and upstream) and an observation is a bucket search and
 * three additions. Rendering stays prom-client's: this class answers the registry as a
 * prom-client metric does (get, getForPromString, reset), with the same values, so both
 * exposition formats, exemplars and the cluster aggregation (getMetricsAsJSON) work unchanged.
 */
import type { Registry, RegistryContentType } from 'prom-client';

/** What prom-client's registry reads from a histogram's values. */
interface HistogramValue {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName: string;
  exemplar?: Exemplar | null;
}

/** prom-client's exemplar shape: rendered after the bucket line in OpenMetrics. */
interface Exemplar {
  readonly labelSet: Record<string, string>;
  readonly value: number;
  /** Epoch seconds. */
  readonly timestamp: number;
}

export class HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  /** The latest exemplar of each bucket, when the histogram keeps exemplars. */
  readonly exemplars: (Exemplar | undefined)[] | undefined;
  readonly #bounds: readonly number[];

  constructor(labels: Readonly<Record<string, string>>, bounds: readonly number[], exemplars: boolean) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
    this.exemplars = exemplars ? new Array<Exemplar | undefined>(bounds.length + 1).fill(undefined) : undefined;
  }

  /** `traceId` becomes the bucket's exemplar (`trace_id`), as prom-client's exemplarLabels would. */
  observe(value: number, traceId?: string): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (this.counts[i] as number)++;
    this.sum += value;
    this.count++;
    if (traceId !== undefined && this.exemplars !== undefined) this.exemplars[i] = { labelSet: { trace_id: traceId }, value, timestamp: Date.now() / 1000 };
  }

  clear(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    this.exemplars?.fill(undefined);
  }
}

export class SeriesHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly labelNames: readonly string[];
  readonly #bounds: readonly number[];
  readonly #exemplars: boolean;
  readonly #series = new Map<string, HistogramSeries>();

  constructor(config: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[]; enableExemplars?: boolean; registers: Registry<RegistryContentType>[] }) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.#bounds = [...config.buckets].sort((a, b) => a - b);
    this.#exemplars = config.enableExemplars ?? false;
    for (const registry of config.registers) registry.registerMetric(this as unknown as Parameters<Registry<RegistryContentType>['registerMetric']>[0]);
  }

  /** The series of these label values (in `labelNames` order), made on first use. Keep it: this lookup builds a key. */
  series(...values: string[]): HistogramSeries {
    const key = values.join('\u0000');
    let series = this.#series.get(key);
    if (series === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i] ?? ''));
      series = new HistogramSeries(labels, this.#bounds, this.#exemplars);
      this.#series.set(key, series);
    }
    return series;
  }

  /** Series that have observations, for counters derived from them. */
  *observed(): IterableIterator<HistogramSeries> {
    for (const series of this.#series.values()) if (series.count > 0) yield series;
  }

  /** Zeroes every series; held series stay valid (prom-client's reset forgets them instead). */
  reset(): void {
    for (const series of this.#series.values()) series.clear();
  }

  /** The values as prom-client's Histogram gives them to the registry (labels of the series in sharedLabels). */
  getForPromString(): { name: string; help: string; type: string; values: HistogramValue[]; aggregator: string } {
    const values: HistogramValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const series of this.observed()) {
      const sharedLabels = { ...series.labels };
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += series.counts[i] as number;
        values.push({ labels: { le: bound }, sharedLabels, value: cumulative, metricName: bucketName, exemplar: series.exemplars?.[i] ?? null });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels, value: series.count, metricName: bucketName, exemplar: series.exemplars?.[this.#bounds.length] ?? null });
      values.push({ labels: {}, sharedLabels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** As prom-client's get(): each value's labels with the series labels merged in (getMetricsAsJSON, cluster aggregation). */
  async get(): Promise<{ name: string; help: string; type: string; values: HistogramValue[]; aggregator: string }> {
    const data = this.getForPromString();
    data.values = data.values.map(({ sharedLabels, ...value }) => ({ ...value, labels: { ...value.labels, ...sharedLabels } }));
    return data;
  }
}
