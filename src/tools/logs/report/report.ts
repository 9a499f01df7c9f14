/**
 * The report as data: what every output (table, JSON, CSV, HTML) prints. Durations are in
 * milliseconds, times are ISO 8601 in UTC, shares are fractions of all requests.
 */
export interface CountRow {
  readonly key: string;
  readonly requests: number;
  readonly share: number;
}

export interface PathRow extends CountRow {
  readonly bytes: number;
}

export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** A configured route of the gateway and the requests of one route pattern it served. */
export interface ConfiguredRoute {
  readonly route: string;
  readonly requests: number;
}

export interface RouteRow extends CountRow {
  readonly errors: number;
  readonly errorRate: number;
  readonly bytes: number;
  readonly latency: LatencySummary | undefined;
  /**
   * The routes the gateway matched for these requests, most requests first; empty when the log
   * does not name them. Requests no route matched are not listed.
   */
  readonly configuredRoutes: readonly ConfiguredRoute[];
}

export interface RankingRow {
  readonly key: string;
  /** 0..100, the top route is 100. */
  readonly score: number;
  readonly requests: number;
  readonly meanMs: number | undefined;
  readonly p95Ms: number | undefined;
  readonly p99Ms: number | undefined;
  /** 5xx answers. */
  readonly errors: number;
  readonly errorRate: number;
  readonly configuredRoutes: readonly ConfiguredRoute[];
}

export interface TimelineRow {
  readonly start: string;
  readonly requests: number;
  readonly errors: number;
}

export interface MalformedRow {
  readonly input: string;
  readonly line: number;
  readonly text: string;
}

export interface Report {
  readonly summary: {
    /** The inputs read, and the format of each. */
    readonly inputs: readonly string[];
    readonly formats: readonly string[];
    /** Inputs left out of the report because they are not access logs, with why. */
    readonly skipped: readonly { readonly input: string; readonly reason: string }[];
    /** Every line read: requests, malformed lines and lines that are not requests (W3C `#` lines). */
    readonly lines: number;
    readonly requests: number;
    readonly bytes: number;
    readonly malformed: number;
    /** Requests left out by `--filter`, `--since` or `--until`; not in any other count. */
    readonly filtered: number;
    readonly uniqueClients: number;
    readonly uniquePaths: number;
    readonly routePatterns: number;
    readonly from: string | undefined;
    readonly to: string | undefined;
  };
  readonly clients: readonly CountRow[];
  readonly paths: readonly PathRow[];
  readonly routes: readonly RouteRow[];
  readonly statuses: readonly CountRow[];
  readonly methods: readonly CountRow[];
  readonly userAgents: readonly CountRow[];
  readonly referrers: readonly CountRow[];
  readonly latency: LatencySummary | undefined;
  readonly timeline: { readonly bucketSeconds: number; readonly rows: readonly TimelineRow[] };
  readonly ranking: readonly RankingRow[];
  readonly malformed: { readonly count: number; readonly samples: readonly MalformedRow[] };
  /** True when some count comes from a heavy-hitter sketch rather than exact counting. */
  readonly estimated: boolean;
}
