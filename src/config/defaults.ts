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
    keepAlive: true,
    connectTimeout: 1_000,
    readTimeout: 60_000, // nginx fastcgi_read_timeout
    spoolMemory: 1024 * 1024,
  }),
  telemetry: Object.freeze({
    metrics: true,
    sampleRatio: 0.1,
    serviceName: 'switchyard',
    heatmap: Object.freeze({ slice: 1_000, keep: 15 * 60_000 }),
  }),
});
