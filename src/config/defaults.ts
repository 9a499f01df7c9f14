/** Every configuration default, in one place; the schema's descriptions quote the same values. */

export const defaults = Object.freeze({
  listen: '0.0.0.0:8080',
  accessLog: 'stdout',
  limits: Object.freeze({ headerSize: 16 * 1024, headerCount: 100, bodySize: 100 * 1024 * 1024 }),
  // nginx: client_header_timeout 60s, keepalive_timeout 75s; we are stricter on headers.
  timeouts: Object.freeze({ headers: 10_000, body: 60_000, idle: 75_000, shutdown: 30_000 }),
  fastcgi: Object.freeze({
    index: 'index.php',
    maxConnections: 16,
    queue: Object.freeze({ max: 512, timeout: 5_000 }),
    keepAlive: Object.freeze({ idle: 1_000 }),
    connectTimeout: 1_000,
    readTimeout: 60_000, // nginx fastcgi_read_timeout
    spoolMemory: 1024 * 1024,
  }),
  http: Object.freeze({
    weight: 1,
    priority: 0,
    policy: 'round_robin' as const,
    hostHeader: 'preserve', // as Caddy and Envoy; nginx's default is the upstream's host
    healthCheck: Object.freeze({ interval: 5_000, timeout: 1_000, healthyThreshold: 2, unhealthyThreshold: 3, expectedStatuses: Object.freeze(['200-299']) }),
    // Envoy's outlier_detection defaults.
    outlierDetection: Object.freeze({
      consecutive5xx: 5,
      consecutiveGatewayFailure: 5,
      interval: 10_000,
      baseEjectionTime: 30_000,
      maxEjectionTime: 300_000,
      maxEjectionPercent: 10,
      successRateMinimumHosts: 5,
      successRateRequestVolume: 100,
      successRateStdevFactor: 1.9,
      latencyFactor: 3,
      // Only counted while `switchyard sense` runs; a healthy network retransmits far less.
      retransmits: 20,
    }),
    // Envoy's circuit-breaker threshold defaults.
    circuitBreaker: Object.freeze({ maxConnections: 1024, maxPending: 1024, maxRequests: 1024, maxRetries: 3 }),
    // Envoy: retry budget 20% of active requests, base interval 25ms, max 10x base.
    retry: Object.freeze({ attempts: 2, retryOn: Object.freeze(['connect-failure', 'reset'] as const), budget: 0.2, backoff: Object.freeze({ base: 25, max: 250 }) }),
    // Envoy connect_timeout 5s; nginx proxy_read_timeout 60s.
    timeouts: Object.freeze({ connect: 5_000, firstByte: 60_000, idle: 60_000, total: 0 }),
    keepAliveTimeout: 4_000, // undici's default
    maxResponseHeaderSize: 16 * 1024,
  }),
  grpc: Object.freeze({
    // grpc-gateway v2's default marshaler options.
    json: Object.freeze({ emitUnpopulated: true, useProtoNames: false, useEnumNumbers: false }),
    unknownQueryParameters: 'ignore' as const,
    healthCheck: Object.freeze({ service: '', interval: 5_000, timeout: 1_000, healthyThreshold: 2, unhealthyThreshold: 3 }),
    // Only a call that never reached an endpoint is tried again: gRPC methods are not known idempotent.
    retry: Object.freeze({ retryOn: Object.freeze(['connect-failure'] as const) }),
    timeouts: Object.freeze({ connect: 5_000, idle: 60_000, total: 0 }),
  }),
  // The shield (docs/shield.md): on in front of FastCGI, CRS's default paranoia level, blocking.
  shield: Object.freeze({ enabled: true, paranoia: 1 as const, mode: 'block' as const, maxUrlLength: 8 * 1024 }),
  telemetry: Object.freeze({
    metrics: true,
    sampleRatio: 0.1,
    serviceName: 'switchyard',
    heatmap: Object.freeze({ slice: 1_000, keep: 15 * 60_000 }),
  }),
  sense: Object.freeze({ exec: Object.freeze({ kill: false }), keep: 1_000 }),
  // A route's openapi: (docs/contract.md): both sides checked, a bad response passed on.
  openapi: Object.freeze({ validate: Object.freeze(['request', 'response'] as const), enforce: false }),
  // errors: (docs/error-chains.md): chains shown as the hops gave them, no mapping rules.
  errors: Object.freeze({ expose: 'internal' as const }),
  // Split and rollout (docs/delivery.md): Argo Rollouts' 10 s analysis interval; a step needs 100
  // canary responses, so a quiet route never advances on no evidence.
  delivery: Object.freeze({ cookie: 'switchyard-canary', interval: 10_000, hold: 0, minSamples: 100, onFailure: 'rollback' as const, prometheus: 'http://127.0.0.1:9090', store: 'file:.switchyard/state' }),
  // A route's shadow (docs/shadow.md): every safe request copied, each copy given 2 s.
  shadow: Object.freeze({ sample: 1, timeout: 2_000, maxConcurrent: 64, methods: Object.freeze(['GET', 'HEAD'] as const), maxBodySize: 1024 * 1024 }),
});
