/**
 * The configuration after loading: YAML checked against schema/switchyard.schema.json, `${ENV}`
 * replaced, durations turned into milliseconds and sizes into bytes, defaults applied. Runtime
 * code only ever sees these shapes; parsing stays in src/config.
 */

export interface GatewayConfig {
  readonly listen: readonly ListenerConfig[];
  readonly admin: AdminConfig | undefined;
  readonly limits: LimitsConfig;
  readonly timeouts: TimeoutsConfig;
  readonly upstreams: ReadonlyMap<string, UpstreamConfig>;
  readonly middleware: ReadonlyMap<string, MiddlewareConfig>;
  readonly routes: readonly RouteConfig[];
  readonly accessLog: AccessLogConfig;
  readonly telemetry: TelemetryConfig;
  /** The security shield in front of FastCGI routes (docs/shield.md). */
  readonly shield: ShieldConfig;
  /** What the gateway does for `switchyard sense`; undefined when `sense` is absent. */
  readonly sense?: SenseConfig | undefined;
  /** `errors:`: how error chains are shown and mapped (docs/error-chains.md); undefined: internal, no rules. */
  readonly errors?: ErrorsConfig | undefined;
  /** Where rollout state and samples live (`state:`, docs/delivery.md). */
  readonly state: StateConfig;
  /** Absolute path of the file this came from, for resolving relative paths; undefined in tests. */
  readonly source: string | undefined;
}

export type ListenAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** A client-traffic listener: its address, and TLS when the entry has `tls` (docs/tls.md). */
export type ListenerConfig = ListenAddress & { readonly tls?: ListenTlsConfig | undefined };

/** `listen[].tls`: the PEM contents, read when the config is loaded (a reload reads them again). */
export interface ListenTlsConfig {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** CAs that client certificates must chain to; undefined: none asked for. */
  readonly ca: Buffer | undefined;
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
}

export interface AdminConfig {
  readonly listen: ListenAddress;
  /** The write-scope token, which also reads: `admin.token` or `admin.tokens.write`. */
  readonly token: string | undefined;
  /** The read-scope token (`admin.tokens.read`): GET endpoints only. */
  readonly readToken: string | undefined;
}

export interface LimitsConfig {
  /** Bytes of request line plus headers (node's maxHeaderSize). */
  readonly headerSize: number;
  readonly headerCount: number;
  /** Default request body limit in bytes; a route may set its own. */
  readonly bodySize: number;
}

export interface TimeoutsConfig {
  /** Client must send the complete header block within this (ms). */
  readonly headers: number;
  /** Client must send the body within this (ms), measured from the first header byte. */
  readonly body: number;
  /** A kept-alive client connection idle for this long is closed (ms). */
  readonly idle: number;
  /** On SIGTERM, in-flight requests get this long to finish (ms). */
  readonly shutdown: number;
}

export interface AccessLogConfig {
  /** `stdout`, `off`, or a file path. */
  readonly target: string;
}

export interface SenseConfig {
  /** Kill a php-fpm worker that starts a program, and that program (default false). */
  readonly exec: { readonly kill: boolean };
  /** How many events `GET /admin/sense` keeps, the newest (default 1000). */
  readonly keep: number;
}

export interface TelemetryConfig {
  /** Request metrics, heatmaps and pause correlation (default true); tracing is set apart. */
  readonly metrics: boolean;
  /** OpenTelemetry tracing; off when `telemetry.tracing` is absent. */
  readonly tracing: TracingConfig | undefined;
  /** Latency heatmap ring: slice width and how long slices are kept (ms). */
  readonly heatmap: { readonly slice: number; readonly keep: number };
}

export interface TracingConfig {
  /** OTLP/HTTP protobuf traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  readonly otlp: string;
  /** Share of new traces kept (parent-based: a client's sampled flag wins); 5xx always kept. */
  readonly sampleRatio: number;
  readonly serviceName: string;
}

export type UpstreamConfig = FastcgiUpstreamConfig | HttpUpstreamConfig | GrpcUpstreamConfig;

export interface FastcgiUpstreamConfig {
  readonly type: 'fastcgi';
  readonly name: string;
  /** Where php-fpm listens. */
  readonly address: ListenAddress;
  /** DOCUMENT_ROOT, absolute. Static files are served from here. */
  readonly root: string;
  /** Front controller, relative to root (default `index.php`). */
  readonly index: string;
  /** Globs (relative to root) of the only scripts that may ever execute. Default: [index]. */
  readonly scripts: readonly string[];
  /** Cap on connections, and so on requests in flight, to php-fpm (match pm.max_children). */
  readonly maxConnections: number;
  readonly queue: { readonly max: number; readonly timeout: number };
  /**
   * Keep connections to php-fpm open between requests (FCGI_KEEP_CONN), each for at most `idle`
   * ms without a request: an idle kept connection pins a php-fpm child that another client of
   * the pool may need. `false`: a connection per request.
   */
  readonly keepAlive: false | { readonly idle: number };
  readonly connectTimeout: number;
  /** Longest wait for php-fpm to send the next byte of a response (ms). */
  readonly readTimeout: number;
  /** Chunked request bodies are held in memory up to this many bytes, then in a temp file. */
  readonly spoolMemory: number;
  /** php-fpm pm.status_path, scraped by telemetry. */
  readonly status: string | undefined;
  /** php-fpm's slowlog file, tailed by telemetry for pause correlation (absolute). */
  readonly slowlog?: string | undefined;
  /** Extra FastCGI params set on every request (cannot contain PHP_VALUE/PHP_ADMIN_VALUE). */
  readonly params: Readonly<Record<string, string>>;
}

/** What http and grpc upstreams share: endpoints and the cluster around them (docs/resilience.md). */
interface ClusterUpstreamKeys<HealthCheck> {
  readonly name: string;
  readonly endpoints: readonly HttpEndpointConfig[];
  /** Zone this gateway runs in; traffic stays there while it is healthy enough. */
  readonly localZone: string | undefined;
  readonly loadBalancer: { readonly policy: LoadBalancerPolicy; readonly hashOn: HashOn };
  readonly healthCheck: HealthCheck | undefined;
  readonly outlierDetection: OutlierDetectionConfig;
  readonly circuitBreaker: CircuitBreakerConfig;
  readonly retry: RetryConfig;
  readonly tls: HttpTlsConfig;
}

export interface HttpUpstreamConfig extends ClusterUpstreamKeys<HealthCheckConfig> {
  readonly type: 'http';
  /** Milliseconds; `total` 0 means no limit. */
  readonly timeouts: { readonly connect: number; readonly firstByte: number; readonly idle: number; readonly total: number };
  readonly keepAliveTimeout: number;
  readonly maxResponseHeaderSize: number;
}

/**
 * `type: grpc`: a gRPC service over HTTP/2 (docs/grpc.md). Endpoints are `h2c://host:port` (HTTP/2
 * with prior knowledge) or `https://host:port` (TLS, ALPN h2); only calls that never reached an
 * endpoint (connect failure, refused stream) are retried.
 */
export interface GrpcUpstreamConfig extends ClusterUpstreamKeys<GrpcHealthCheckConfig> {
  readonly type: 'grpc';
  /** Milliseconds; `total` caps a call's deadline, 0 means no cap. */
  readonly timeouts: { readonly connect: number; readonly idle: number; readonly total: number };
  /** Where `descriptors` came from; undefined when `proto` is absent (passthrough only). */
  readonly proto: GrpcProtoSource | undefined;
  /**
   * A serialized google.protobuf.FileDescriptorSet holding every file of the services and all
   * their imports (well-known types, google/api, google/rpc), loaded when the config loads.
   * Empty (zero bytes, an empty set) without `proto`, and in parseConfig, which cannot wait.
   */
  readonly descriptors: Uint8Array;
  /** Mount every google.api.http binding as a REST/JSON route (default false). */
  readonly transcode: boolean;
  readonly json: GrpcJsonOptions;
  /** A transcoded request's query parameter naming no field: ignored (default) or 400. */
  readonly unknownQueryParameters: 'ignore' | 'reject';
}

export type GrpcProtoSource =
  /** Absolute paths; `files` are also given as import paths (relative to one of `importPaths`). */
  | { readonly kind: 'files'; readonly files: readonly string[]; readonly importPaths: readonly string[] }
  | { readonly kind: 'descriptorSet'; readonly file: string }
  | { readonly kind: 'reflection' };

/** grpc-gateway's marshaler options; the defaults are grpc-gateway v2's. */
export interface GrpcJsonOptions {
  readonly emitUnpopulated: boolean;
  readonly useProtoNames: boolean;
  readonly useEnumNumbers: boolean;
}

export interface GrpcHealthCheckConfig {
  /** grpc.health.v1 HealthCheckRequest.service ('' asks about the server as a whole). */
  readonly service: string;
  readonly interval: number;
  readonly timeout: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** TLS to https:// endpoints. */
export interface HttpTlsConfig {
  /** PEM text of the extra certificate authorities (read from `tls.ca` when the config loads). */
  readonly ca: string | undefined;
  /** SNI and the name checked in the certificate; undefined: each endpoint's host name. */
  readonly serverName: string | undefined;
  readonly verify: boolean;
}

export interface HttpEndpointConfig {
  readonly url: string;
  readonly weight: number;
  readonly zone: string | undefined;
  readonly priority: number;
}

export type LoadBalancerPolicy = 'round_robin' | 'least_request' | 'random' | 'weighted' | 'ring_hash';
export type HashOn = { readonly kind: 'header' | 'cookie'; readonly name: string } | { readonly kind: 'ip' };

export interface HealthCheckConfig {
  readonly path: string;
  readonly interval: number;
  readonly timeout: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** Inclusive [low, high] status ranges that pass. */
  readonly expectedStatuses: readonly (readonly [number, number])[];
}

export interface OutlierDetectionConfig {
  readonly consecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly interval: number;
  readonly baseEjectionTime: number;
  readonly maxEjectionTime: number;
  readonly maxEjectionPercent: number;
  readonly successRateMinimumHosts: number;
  readonly successRateRequestVolume: number;
  readonly successRateStdevFactor: number;
  readonly latencyFactor: number;
  /** TCP retransmits to one endpoint within an interval that eject it, as `switchyard sense` reports them; 0 disables. */
  readonly retransmits: number;
}

export interface CircuitBreakerConfig {
  /** Per endpoint. */
  readonly maxConnections: number;
  readonly maxPending: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

export type RetryCondition = 'connect-failure' | 'reset' | '5xx' | 'gateway-error';

export interface RetryConfig {
  readonly attempts: number;
  readonly retryOn: readonly RetryCondition[];
  readonly retriableStatuses: readonly number[];
  readonly budget: number;
  readonly backoff: { readonly base: number; readonly max: number };
}

export interface MiddlewareConfig {
  readonly name: string;
  readonly type: string;
  readonly options: Readonly<Record<string, unknown>>;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface RouteConfig {
  readonly methods: readonly HttpMethod[];
  /** Laravel-syntax path, group prefixes already applied: `/api/v1/user/{id?}`. */
  readonly path: string;
  readonly where: Readonly<Record<string, string>>;
  readonly name: string | undefined;
  readonly to: string;
  /** Names of middleware, group ones first, in the order they run. */
  readonly middleware: readonly string[];
  /** For fastcgi upstreams: try_files $uri $uri/ then the front controller. */
  readonly static: boolean;
  /** Request body limit in bytes for this route. */
  readonly bodySize: number;
  /** http: prefix removed from the path before proxying. */
  readonly stripPrefix?: string | undefined;
  /** http: path template sent upstream, `{param}` filled from the route's parameters. */
  readonly rewrite?: string | undefined;
  /** http: `preserve` (client's Host), `upstream` (endpoint host:port) or a literal host. */
  readonly hostHeader?: string | undefined;
  /** The route's shield settings (`shield:`); undefined: the top-level ones as they are. */
  readonly shield?: RouteShieldConfig | undefined;
  /** A fixed share of requests to a canary upstream (`split:`, docs/delivery.md). */
  readonly split?: SplitConfig | undefined;
  /** A progressive rollout to a canary upstream (`rollout:`, docs/delivery.md). */
  readonly rollout?: RolloutConfig | undefined;
  /** Copies of baseline-served requests sent to another upstream and compared (`shadow:`, docs/shadow.md). */
  readonly shadow?: ShadowConfig | undefined;
  /** Edge validation against an OpenAPI operation (`openapi:`, docs/contract.md). */
  readonly openapi?: RouteOpenapiConfig | undefined;
  /** How errors are shown on this route: the top-level `errors:` with the route's `expose` (docs/error-chains.md). */
  readonly errors?: ErrorsConfig | undefined;
  /** YAML path of the route in the config (`['routes', 2, 'routes', 0]`), for error messages. */
  readonly at: readonly (string | number)[];
}

/** What a matching shield rule does: answer 403/400 (`block`), or only write the audit line (`log`). */
export type ShieldMode = 'block' | 'log';

/** A rule id (`933160`) or a category (`php-injection`), and what it should do. */
export type ShieldRuleSettings = Readonly<Record<string, ShieldMode | 'off'>>;

export interface ShieldConfig {
  /** In front of every fastcgi route unless the route says `shield: false` (default true). */
  readonly enabled: boolean;
  /** Rules up to this paranoia level run (default 1), as CRS's `tx.blocking_paranoia_level`. */
  readonly paranoia: 1 | 2;
  /** Default action of a matching rule (default `block`; `log` is ModSecurity's DetectionOnly). */
  readonly mode: ShieldMode;
  readonly rules: ShieldRuleSettings;
  /** Longest request-target accepted, in bytes (rule 192001). */
  readonly maxUrlLength: number;
}

export interface RouteShieldConfig {
  /** false: no shield on this route; true: shield even when the upstream is not fastcgi; undefined: the default. */
  readonly enabled: boolean | undefined;
  readonly paranoia: 1 | 2 | undefined;
  /** Overrides every rule's action on this route (`log`: a CMS route whose forms accept code). */
  readonly mode: ShieldMode | undefined;
  /** Rule ids or categories off on this route (ModSecurity's SecRuleRemoveById / ByTag). */
  readonly disable: readonly string[];
  readonly rules: ShieldRuleSettings;
}

/** A route's `shadow:` with defaults applied (docs/shadow.md). */
export interface ShadowConfig {
  /** The upstream the copies go to. */
  readonly to: string;
  /** Share of baseline-served requests copied, 0..1 (default 1). */
  readonly sample: number;
  /** Milliseconds a copy (or the second baseline sample) may take; later is no data (default 2000). */
  readonly timeout: number;
  /** Copies in flight at most; a request beyond it is not copied (default 64). */
  readonly maxConcurrent: number;
  /** Methods copied (default GET, HEAD). */
  readonly methods: readonly HttpMethod[];
  /** Largest request body copied and largest response body read for a comparison, bytes (default 1 MiB). */
  readonly maxBodySize: number;
  readonly compare: ShadowCompareConfig;
}

/** Value normalisers applied before comparing (`compare.normalize`). */
export type ShadowNormalizer = 'trim' | 'lowercase' | 'number' | 'string';

export interface ShadowCompareConfig {
  /** Response header names compared, lowercased. */
  readonly headers: readonly string[];
  /** RFC 6901 pointers never compared. */
  readonly ignore: readonly string[];
  /** RFC 6901 pointers of arrays compared without regard to order. */
  readonly unordered: readonly string[];
  /** RFC 6901 pointers masked in the samples GET /admin/shadow shows. */
  readonly mask: readonly string[];
  readonly normalize: Readonly<Record<string, ShadowNormalizer>>;
}

/** A route's `openapi:` (docs/contract.md, edge validation). */
export interface RouteOpenapiConfig {
  /** Absolute path of the OpenAPI 3.0 or 3.1 document (YAML or JSON). */
  readonly spec: string;
  /** The operationId the route serves. */
  readonly operation: string;
  /** Which sides are checked (default both). */
  readonly validate: readonly ('request' | 'response')[];
  /** A response that breaks the contract becomes a 502 instead of being passed on (default false). */
  readonly enforce: boolean;
}

/** `internal`: error chains as the hops gave them; `public`: file paths, lines, stacks and upstream addresses left out. */
export type ErrorExposure = 'internal' | 'public';

/** One `errors.map` rule: a link of the chain matching every field of `match` gives the answer its type, title and status. */
export interface ErrorMapRule {
  readonly match: Readonly<{ source?: string; code?: string; status?: number; type?: string; exception?: string }>;
  readonly type: string | undefined;
  readonly title: string | undefined;
  readonly status: number | undefined;
}

/** `errors:` (docs/error-chains.md); a route's copy carries its own `expose`. */
export interface ErrorsConfig {
  readonly expose: ErrorExposure;
  readonly map: readonly ErrorMapRule[];
}

/** `state.store`: a directory (`file:`) or a Redis server (`redis://`). */
export type StateConfig = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'redis'; readonly url: string };

export interface SplitConfig {
  /** The canary upstream's name. */
  readonly canary: string;
  /** Percent of requests to the canary, 0..100. */
  readonly weight: number;
  /** How a client keeps its side; undefined: each request is drawn anew. */
  readonly sticky: { readonly kind: 'cookie' | 'header'; readonly name: string } | undefined;
}

export interface RolloutStep {
  /** Percent of requests to the canary, increasing from step to step, at most 100. */
  readonly weight: number;
  /** Least time in the step before it advances (ms). */
  readonly hold: number;
  /** Least canary responses within the step before it advances. */
  readonly minSamples: number;
}

export type AnalysisCheck =
  | { readonly metric: 'errorRate'; readonly maxIncrease: number }
  | { readonly metric: 'latencyP99'; readonly maxRatio: number }
  | { readonly metric: 'shadowMismatch'; readonly max: number }
  | { readonly metric: 'prometheus'; readonly url: string; readonly query: string; readonly max: number | undefined; readonly min: number | undefined };

export interface RolloutConfig {
  readonly canary: string;
  readonly steps: readonly RolloutStep[];
  /** How often the checks are judged (ms). */
  readonly interval: number;
  readonly analysis: readonly AnalysisCheck[];
  readonly onFailure: 'rollback' | 'pause';
}
