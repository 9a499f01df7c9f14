/**
 * The Prometheus metrics of SPEC section 10, on prom-client with a registry of our own (nothing
 * global). Request metrics are fed from request ends, runtime histograms from the runtime
 * monitor; upstream and php-fpm gauges are read when scraped. Histograms carry the trace id as
 * an exemplar when the request's trace is exported; exemplars exist only in the OpenMetrics
 * format, which is served to scrapers that ask for it (Prometheus does).
 *
 * What is counted on every request (durations, requests, attempts, queue waits) does not go
 * through prom-client's labelled API, which builds a labels object and a hash string per call:
 * series are kept by route, upstream and status class (series-histogram.ts) and the counters
 * are copied from them when scraped. The request counter is the duration histogram's count.
 */
import { Counter, Gauge, Histogram, Registry, type GaugeConfiguration, type RegistryContentType } from 'prom-client';
import type { UpstreamView } from '../../cluster/upstream-view.js';
import type { Gateway } from '../../gateway/gateway.js';
import type { FpmMonitor } from '../php-fpm/fpm-monitor.js';
import type { FpmStatus } from '../php-fpm/fpm-status.js';
import { SeriesHistogram, type HistogramSeries } from './series-histogram.js';
import { wasmMetrics } from '../../plugins/wasm/wasm-metrics.js';

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PAUSE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

type RequestLabels = 'route' | 'upstream' | 'status_class';

interface UpstreamStatsLike {
  readonly active?: number;
  readonly idle?: number;
  readonly queued?: number;
  readonly max?: number;
  readonly ejected?: number;
  readonly ejections?: number;
}

/**
 * How a gauge merges across worker processes (`serve --workers N`: the primary adds the workers'
 * registries together, src/process/merged-metrics.ts). `sum` for what each worker holds for
 * itself (its connections, its queue, its share of maxConnections); `max` for state every worker
 * reads from the same place (the php-fpm status page) or judges for itself about the same
 * endpoints (health, ejection), which a sum would count once per worker. Every gauge states
 * which, beside its name: there is no default to forget. Counters and histograms count each
 * worker's own events and always sum.
 */
type MergedGaugeConfiguration<T extends string> = GaugeConfiguration<T> & { readonly aggregator: 'sum' | 'max' };

function gauge<T extends string>(config: MergedGaugeConfiguration<T>): Gauge<T> {
  return new Gauge(config);
}

const FPM_GAUGES: [keyof FpmStatus, string, string][] = [
  ['activeProcesses', 'switchyard_fpm_active_processes', 'php-fpm workers serving a request'],
  ['idleProcesses', 'switchyard_fpm_idle_processes', 'php-fpm workers waiting for a request'],
  ['totalProcesses', 'switchyard_fpm_total_processes', 'php-fpm workers'],
  ['listenQueue', 'switchyard_fpm_listen_queue', 'connections waiting in php-fpm\'s listen backlog'],
  ['maxListenQueue', 'switchyard_fpm_max_listen_queue', 'largest listen queue since php-fpm started'],
  ['maxChildrenReached', 'switchyard_fpm_max_children_reached', 'times php-fpm hit pm.max_children since it started'],
  ['slowRequests', 'switchyard_fpm_slow_requests', 'requests php-fpm logged to its slowlog since it started'],
  ['acceptedConn', 'switchyard_fpm_accepted_connections', 'connections php-fpm accepted since it started'],
];

export class GatewayMetrics {
  // The classic text format unless a scraper asks for OpenMetrics (see render).
  readonly registry = new Registry<RegistryContentType>();
  readonly #duration: SeriesHistogram;
  /** Duration series by route, then upstream, then status class (index: status / 100). */
  readonly #byRoute = new Map<string, Map<string, (HistogramSeries | undefined)[]>>();
  readonly #queueWait: SeriesHistogram;
  readonly #queueWaitBy = new Map<string, HistogramSeries>();
  readonly #queueRejected: Counter<'upstream'>;
  /** Attempts by upstream: [ok, error]. */
  readonly #attempts = new Map<string, [number, number]>();
  readonly #gcPause: Histogram<'kind'>;
  readonly #loopDelay: Histogram;
  readonly #spansExported: Counter;
  readonly #spansDropped: Counter;
  readonly #shieldBlocks: Counter<'rule' | 'category'>;
  readonly #shieldLogged: Counter<'rule' | 'category'>;
  readonly #contractViolations: Counter<'route' | 'side'>;
  #scrapes: Promise<unknown> = Promise.resolve();
  /** The upstreams' views while one scrape collects; undefined between scrapes. */
  #views: UpstreamView[] | undefined;

  constructor(gateway: Gateway, fpm: FpmMonitor) {
    const registers = [this.registry];
    // What wasm plugins define at run time (proxy_define_metric) is served here too.
    wasmMetrics.attach(this.registry);
    new Counter({
      name: 'switchyard_requests_total',
      help: 'Requests answered, by route, upstream and status class',
      labelNames: ['route', 'upstream', 'status_class'],
      registers,
      collect() {
        this.reset();
        for (const series of duration.observed()) this.inc(series.labels, series.count);
      },
    });
    const duration = new SeriesHistogram({
      name: 'switchyard_request_duration_seconds',
      help: 'Time from the first byte of the request to the response closing',
      labelNames: ['route', 'upstream', 'status_class'] satisfies RequestLabels[],
      buckets: DURATION_BUCKETS,
      enableExemplars: true,
      registers,
    });
    this.#duration = duration;
    this.#queueWait = new SeriesHistogram({ name: 'switchyard_upstream_queue_wait_seconds', help: 'Time FastCGI requests waited for a php-fpm slot', labelNames: ['upstream'], buckets: DURATION_BUCKETS, registers });
    this.#queueRejected = new Counter({ name: 'switchyard_upstream_queue_rejected_total', help: 'FastCGI requests turned away by admission control (queue full, queue timeout, client gone)', labelNames: ['upstream'], registers });
    const attempts = this.#attempts;
    new Counter({
      name: 'switchyard_upstream_attempts_total',
      help: 'Upstream attempts (retries included), by outcome',
      labelNames: ['upstream', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const [upstream, [ok, error]] of attempts) {
          if (ok > 0) this.inc({ upstream, outcome: 'ok' }, ok);
          if (error > 0) this.inc({ upstream, outcome: 'error' }, error);
        }
      },
    });
    this.#gcPause = new Histogram({ name: 'switchyard_runtime_gc_pause_seconds', help: 'Gateway garbage-collection pauses (perf_hooks)', labelNames: ['kind'], buckets: PAUSE_BUCKETS, registers });
    this.#loopDelay = new Histogram({ name: 'switchyard_runtime_event_loop_delay_seconds', help: 'How late a 10 ms timer fired: time the event loop was busy', buckets: PAUSE_BUCKETS, registers });
    this.#spansExported = new Counter({ name: 'switchyard_trace_spans_exported_total', help: 'Spans the trace collector accepted', registers });
    this.#spansDropped = new Counter({ name: 'switchyard_trace_spans_dropped_total', help: 'Spans lost because the trace collector did not accept them', registers });
    this.#shieldBlocks = new Counter({ name: 'switchyard_shield_blocks_total', help: 'Requests the shield blocked, by rule id and category', labelNames: ['rule', 'category'], registers });
    this.#contractViolations = new Counter({ name: 'switchyard_contract_violations_total', help: 'Requests and responses that broke their route\'s OpenAPI contract, by route and side', labelNames: ['route', 'side'], registers });
    this.#shieldLogged = new Counter({ name: 'switchyard_shield_logged_total', help: 'Shield rule matches in log mode (the request went on), by rule id and category', labelNames: ['rule', 'category'], registers });

    const upstreamStats = (): [string, string, UpstreamStatsLike][] =>
      [...gateway.runtime.upstreams.values()].map((u) => [u.name, u.type, (u as { stats?: UpstreamStatsLike }).stats ?? {}]);
    // Upstreams with a cluster describe their endpoints and connection table (GET /admin/upstreams).
    // The registry collects every metric in one synchronous pass, so the views are taken once per
    // scrape and shared by the five metrics below, then dropped.
    const views = (): UpstreamView[] => {
      if (this.#views === undefined) {
        this.#views = [...gateway.runtime.upstreams.values()].flatMap((u) => (u.describe === undefined ? [] : [u.describe()]));
        queueMicrotask(() => (this.#views = undefined));
      }
      return this.#views;
    };
    gauge({
      name: 'switchyard_upstream_connections',
      help: 'Upstream connections by state (from the connection table, else the pool: active carries a request, idle is kept alive)',
      labelNames: ['upstream', 'type', 'state'],
      aggregator: 'sum', // each worker's own connections
      registers,
      collect() {
        this.reset();
        const described = new Set<string>();
        for (const view of views()) {
          described.add(view.name);
          for (const state of ['connecting', 'idle', 'active', 'draining']) this.set({ upstream: view.name, type: view.type, state }, view.connections.filter((c) => c.state === state).length);
        }
        for (const [name, type, s] of upstreamStats()) {
          if (described.has(name)) continue;
          if (s.active !== undefined) this.set({ upstream: name, type, state: 'active' }, s.active);
          if (s.idle !== undefined) this.set({ upstream: name, type, state: 'idle' }, s.idle);
        }
      },
    });
    gauge({
      name: 'switchyard_upstream_endpoints',
      help: 'Endpoints of an upstream by state: healthy (passing health checks and not ejected), unhealthy, ejected (outlier detection)',
      labelNames: ['upstream', 'state'],
      aggregator: 'max', // every worker judges the same endpoints
      registers,
      collect() {
        this.reset();
        for (const view of views()) {
          this.set({ upstream: view.name, state: 'ejected' }, view.endpoints.filter((e) => e.ejection === 'ejected').length);
          this.set({ upstream: view.name, state: 'unhealthy' }, view.endpoints.filter((e) => !e.healthy).length);
          this.set({ upstream: view.name, state: 'healthy' }, view.endpoints.filter((e) => e.healthy && e.ejection !== 'ejected').length);
        }
      },
    });
    new Counter({
      name: 'switchyard_upstream_ejections_total',
      help: 'Endpoint ejections by outlier detection since the upstream was built, by reason',
      labelNames: ['upstream', 'reason'],
      registers,
      collect() {
        // The count lives with the outlier detector; it is copied here at each scrape.
        this.reset();
        for (const view of views()) for (const [reason, n] of Object.entries(view.ejectionsTotal ?? {})) if (n > 0) this.inc({ upstream: view.name, reason }, n);
      },
    });
    new Counter({
      name: 'switchyard_upstream_connect_failures_total',
      help: 'Connections to the upstream that could not be opened',
      labelNames: ['upstream'],
      registers,
      collect() {
        this.reset();
        for (const view of views()) if (view.counters.connectFailures > 0) this.inc({ upstream: view.name }, view.counters.connectFailures);
      },
    });
    gauge({
      name: 'switchyard_upstream_connections_max',
      help: 'Cap on upstream connections (fastcgi maxConnections)',
      labelNames: ['upstream'],
      aggregator: 'sum', // each worker holds its share of maxConnections
      registers,
      collect() {
        this.reset();
        for (const [name, , s] of upstreamStats()) if (s.max !== undefined) this.set({ upstream: name }, s.max);
      },
    });
    gauge({
      name: 'switchyard_upstream_queue_depth',
      help: 'Requests waiting for an upstream connection (FastCGI admission queue)',
      labelNames: ['upstream'],
      aggregator: 'sum', // each worker's own admission queue
      registers,
      collect() {
        this.reset();
        for (const [name, , s] of upstreamStats()) if (s.queued !== undefined) this.set({ upstream: name }, s.queued);
      },
    });
    gauge({
      name: 'switchyard_upstream_ejected_endpoints',
      help: 'Endpoints currently ejected by outlier detection (0 for upstreams without it)',
      labelNames: ['upstream'],
      aggregator: 'max', // every worker judges the same endpoints
      registers,
      collect() {
        this.reset();
        const ejected = new Map(views().map((v) => [v.name, v.endpoints.filter((e) => e.ejection === 'ejected').length]));
        for (const [name, , s] of upstreamStats()) this.set({ upstream: name }, ejected.get(name) ?? s.ejected ?? 0);
      },
    });
    gauge({
      name: 'switchyard_fpm_up',
      help: '1 when the php-fpm status page was read at the last scrape',
      labelNames: ['upstream'],
      aggregator: 'max', // the one shared status page: up when a worker read it
      registers,
      collect() {
        this.reset();
        for (const [name, state] of fpm.states) {
          const config = gateway.runtime.config.upstreams.get(name);
          if (config?.type === 'fastcgi' && config.status !== undefined) this.set({ upstream: name }, state.status === undefined ? 0 : 1);
        }
      },
    });
    gauge({
      name: 'switchyard_fpm_scrape_errors',
      help: 'Failed reads of the php-fpm status page since the gateway started (every worker reads it)',
      labelNames: ['upstream'],
      aggregator: 'sum', // each worker's own failed reads
      registers,
      collect() {
        this.reset();
        for (const [name, state] of fpm.states) this.set({ upstream: name }, state.scrapeErrors);
      },
    });
    for (const [field, name, help] of FPM_GAUGES) {
      gauge({
        name,
        help: `${help} (php-fpm status page)`,
        labelNames: ['upstream'],
        aggregator: 'max', // the one shared status page, read by every worker
        registers,
        collect() {
          this.reset();
          for (const [upstream, state] of fpm.states) if (state.status !== undefined) this.set({ upstream }, state.status[field]);
        },
      });
    }
  }

  /** One request answered: its duration observed (with the trace id as exemplar when exported), counted in requests_total. */
  request(route: string, upstream: string, status: number, seconds: number, traceId: string | undefined): void {
    let byUpstream = this.#byRoute.get(route);
    if (byUpstream === undefined) this.#byRoute.set(route, (byUpstream = new Map()));
    let byClass = byUpstream.get(upstream);
    if (byClass === undefined) byUpstream.set(upstream, (byClass = []));
    const statusClass = Math.floor(status / 100);
    let series = byClass[statusClass];
    if (series === undefined) byClass[statusClass] = series = this.#duration.series(route, upstream, `${statusClass}xx`);
    series.observe(seconds, traceId);
  }

  queueWait(upstream: string, seconds: number, admitted: boolean): void {
    if (!admitted) {
      this.#queueRejected.inc({ upstream });
      return;
    }
    let series = this.#queueWaitBy.get(upstream);
    if (series === undefined) this.#queueWaitBy.set(upstream, (series = this.#queueWait.series(upstream)));
    series.observe(seconds);
  }

  attempt(upstream: string, ok: boolean): void {
    let counts = this.#attempts.get(upstream);
    if (counts === undefined) this.#attempts.set(upstream, (counts = [0, 0]));
    counts[ok ? 0 : 1]++;
  }

  /** A shield rule matched: blocked the request, or only logged it. */
  shieldMatch(rule: number, category: string, action: 'block' | 'log'): void {
    (action === 'block' ? this.#shieldBlocks : this.#shieldLogged).inc({ rule: String(rule), category });
  }

  /** A request (answered 400) or a response broke its route's OpenAPI contract. */
  contractViolation(route: string, side: 'request' | 'response'): void {
    this.#contractViolations.inc({ route, side });
  }

  gcPause(kind: string, seconds: number): void {
    this.#gcPause.observe({ kind }, seconds);
  }

  loopDelay(seconds: number): void {
    this.#loopDelay.observe(seconds);
  }

  spansExported(n: number): void {
    this.#spansExported.inc(n);
  }

  spansDropped(n: number): void {
    this.#spansDropped.inc(n);
  }

  /**
   * The exposition, in OpenMetrics (with exemplars) when `openMetrics`, else the Prometheus text
   * format. prom-client keeps the format on the registry and renames counters while rendering
   * OpenMetrics, so scrapes run one at a time and the names are put back after each.
   */
  render(openMetrics: boolean): Promise<{ contentType: string; body: string }> {
    const run = this.#scrapes.then(async () => {
      const type = openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
      this.registry.setContentType(type);
      const names = this.registry.getMetricsAsArray().map((m) => [m, (m as unknown as { name: string }).name] as const);
      try {
        return { contentType: type, body: await this.registry.metrics() };
      } finally {
        for (const [m, name] of names) (m as unknown as { name: string }).name = name;
        this.registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
      }
    });
    this.#scrapes = run.catch(() => undefined);
    return run;
  }
}
