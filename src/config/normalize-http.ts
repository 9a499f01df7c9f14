/**
 * The `type: http` upstream block of switchyard.yaml turned into HttpUpstreamConfig: endpoint
 * URLs checked, durations in milliseconds, the TLS CA file read, every default from
 * defaults.http applied. Kept apart
 * from normalize.ts because it is the largest upstream block and grows with the cluster.
 */
import { defaults } from './defaults.js';
import { parseDuration, parseSize } from './units.js';
import type { ErrorCode } from '../errors.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HashOn, HealthCheckConfig, HttpEndpointConfig, HttpTlsConfig, HttpUpstreamConfig, LoadBalancerPolicy, RetryCondition } from './types.js';

type Raw = Record<string, unknown>;
type Fail = (code: ErrorCode, segments: (string | number)[], message: string) => void;

export function normalizeHttpUpstream(name: string, value: Raw, at: (string | number)[], fail: Fail, baseDir: string): HttpUpstreamConfig {
  const d = defaults.http;
  const endpoints = normalizeEndpoints(value, at, fail);

  const hc = value['healthCheck'] as Raw | undefined;
  let healthCheck: HealthCheckConfig | undefined;
  if (hc !== undefined) {
    const statuses = (hc['expectedStatuses'] as string[] | undefined) ?? d.healthCheck.expectedStatuses;
    healthCheck = {
      path: hc['path'] as string,
      interval: parseDuration(hc['interval']) ?? d.healthCheck.interval,
      timeout: parseDuration(hc['timeout']) ?? d.healthCheck.timeout,
      healthyThreshold: (hc['healthyThreshold'] as number | undefined) ?? d.healthCheck.healthyThreshold,
      unhealthyThreshold: (hc['unhealthyThreshold'] as number | undefined) ?? d.healthCheck.unhealthyThreshold,
      expectedStatuses: statuses.map((s, i) => {
        const [low, high = low] = s.split('-').map(Number) as [number, number?];
        if (high < low) fail('SY_ERR_CONFIG_UPSTREAM', [...at, 'healthCheck', 'expectedStatuses', i], `'${s}' is an empty range`);
        return [low, high] as const;
      }),
    };
  }

  const timeouts = (value['timeouts'] ?? {}) as Raw;
  return {
    type: 'http',
    name,
    endpoints,
    ...normalizeClusterKeys(value, endpoints, at, fail),
    healthCheck,
    timeouts: {
      connect: parseDuration(timeouts['connect']) ?? d.timeouts.connect,
      firstByte: parseDuration(timeouts['firstByte']) ?? d.timeouts.firstByte,
      idle: parseDuration(timeouts['idle']) ?? d.timeouts.idle,
      total: parseDuration(timeouts['total']) ?? d.timeouts.total,
    },
    keepAliveTimeout: parseDuration(value['keepAliveTimeout']) ?? d.keepAliveTimeout,
    maxResponseHeaderSize: parseSize(value['maxResponseHeaderSize']) ?? d.maxResponseHeaderSize,
    tls: normalizeTls(value['tls'] as Raw | undefined, endpoints, [...at, 'tls'], fail, baseDir),
  };
}

/** `endpoints` of an http or grpc upstream: each `scheme://host:port` only, with its weight, zone and priority. */
export function normalizeEndpoints(value: Raw, at: (string | number)[], fail: Fail): HttpEndpointConfig[] {
  const d = defaults.http;
  return (value['endpoints'] as (string | Raw)[]).map((e, i): HttpEndpointConfig => {
    const raw: Raw = typeof e === 'string' ? { url: e } : e;
    const url = raw['url'] as string;
    const where = typeof e === 'string' ? [...at, 'endpoints', i] : [...at, 'endpoints', i, 'url'];
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      fail('SY_ERR_CONFIG_UPSTREAM', where, `'${url}' is not a valid URL`);
    }
    if (parsed !== undefined && ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search !== '' || parsed.hash !== '')) {
      fail('SY_ERR_CONFIG_UPSTREAM', where, `'${url}' must be scheme://host:port only; paths are set on routes (rewrite, stripPrefix)`);
    }
    return {
      // The origin, spelled out because a non-special scheme (h2c:) has none in WHATWG URL terms.
      url: parsed === undefined ? url : `${parsed.protocol}//${parsed.host}`,
      weight: (raw['weight'] as number | undefined) ?? d.weight,
      zone: raw['zone'] as string | undefined,
      priority: (raw['priority'] as number | undefined) ?? d.priority,
    };
  });
}

/** The keys every cluster has (localZone, loadBalancer, outlierDetection, circuitBreaker, retry), defaults applied. */
export function normalizeClusterKeys(value: Raw, endpoints: readonly HttpEndpointConfig[], at: (string | number)[], fail: Fail): Pick<HttpUpstreamConfig, 'localZone' | 'loadBalancer' | 'outlierDetection' | 'circuitBreaker' | 'retry'> {
  const d = defaults.http;
  const lb = (value['loadBalancer'] ?? {}) as Raw;
  const hashOnRaw = lb['hashOn'] as string | undefined;
  let hashOn: HashOn = { kind: 'ip' };
  if (hashOnRaw !== undefined && hashOnRaw !== 'ip') {
    const [kind, ...rest] = hashOnRaw.split(':');
    hashOn = { kind: kind as 'header' | 'cookie', name: kind === 'header' ? rest.join(':').toLowerCase() : rest.join(':') };
  }

  const od = (value['outlierDetection'] ?? {}) as Raw;
  const odd = d.outlierDetection;
  const num = (raw: Raw, key: string, fallback: number) => (raw[key] as number | undefined) ?? fallback;

  const cb = (value['circuitBreaker'] ?? {}) as Raw;
  const retry = (value['retry'] ?? {}) as Raw;
  const backoff = (retry['backoff'] ?? {}) as Raw;
  const retryOnRaw = (retry['retryOn'] as string[] | undefined) ?? d.retry.retryOn;
  const retryOn = retryOnRaw.filter((c): c is RetryCondition => !c.startsWith('retriable-status:'));
  const retriableStatuses = retryOnRaw.filter((c) => c.startsWith('retriable-status:')).map((c) => Number(c.slice('retriable-status:'.length)));
  const base = parseDuration(backoff['base']) ?? d.retry.backoff.base;
  const max = parseDuration(backoff['max']) ?? Math.max(d.retry.backoff.max, base);
  if (max < base) fail('SY_ERR_CONFIG_UPSTREAM', [...at, 'retry', 'backoff', 'max'], `backoff max (${max} ms) is below base (${base} ms)`);

  const localZone = value['localZone'] as string | undefined;
  if (localZone !== undefined && !endpoints.some((e) => e.zone === localZone)) {
    fail('SY_ERR_CONFIG_UPSTREAM', [...at, 'localZone'], `no endpoint is in zone '${localZone}'`);
  }

  return {
    localZone,
    loadBalancer: { policy: (lb['policy'] as LoadBalancerPolicy | undefined) ?? d.policy, hashOn },
    outlierDetection: {
      consecutive5xx: num(od, 'consecutive5xx', odd.consecutive5xx),
      consecutiveGatewayFailure: num(od, 'consecutiveGatewayFailure', odd.consecutiveGatewayFailure),
      interval: parseDuration(od['interval']) ?? odd.interval,
      baseEjectionTime: parseDuration(od['baseEjectionTime']) ?? odd.baseEjectionTime,
      maxEjectionTime: parseDuration(od['maxEjectionTime']) ?? odd.maxEjectionTime,
      maxEjectionPercent: num(od, 'maxEjectionPercent', odd.maxEjectionPercent),
      successRateMinimumHosts: num(od, 'successRateMinimumHosts', odd.successRateMinimumHosts),
      successRateRequestVolume: num(od, 'successRateRequestVolume', odd.successRateRequestVolume),
      successRateStdevFactor: num(od, 'successRateStdevFactor', odd.successRateStdevFactor),
      latencyFactor: num(od, 'latencyFactor', odd.latencyFactor),
      retransmits: num(od, 'retransmits', odd.retransmits),
    },
    circuitBreaker: {
      maxConnections: num(cb, 'maxConnections', d.circuitBreaker.maxConnections),
      maxPending: num(cb, 'maxPending', d.circuitBreaker.maxPending),
      maxRequests: num(cb, 'maxRequests', d.circuitBreaker.maxRequests),
      maxRetries: num(cb, 'maxRetries', d.circuitBreaker.maxRetries),
    },
    retry: { attempts: num(retry, 'attempts', d.retry.attempts), retryOn, retriableStatuses, budget: num(retry, 'budget', d.retry.budget), backoff: { base, max } },
  };
}

/** `tls` of an upstream with https:// endpoints: the CA file read now, so a missing one is a load error. */
export function normalizeTls(tls: Raw | undefined, endpoints: readonly HttpEndpointConfig[], at: (string | number)[], fail: Fail, baseDir: string): HttpTlsConfig {
  if (tls !== undefined && !endpoints.some((e) => e.url.startsWith('https:'))) fail('SY_ERR_CONFIG_UPSTREAM', at, 'tls is set but no endpoint is https://');
  const file = tls?.['ca'] as string | undefined;
  let ca: string | undefined;
  if (file !== undefined) {
    const path = resolve(baseDir, file);
    try {
      ca = readFileSync(path, 'utf8');
    } catch (err) {
      fail('SY_ERR_CONFIG_UPSTREAM', [...at, 'ca'], `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) fail('SY_ERR_CONFIG_UPSTREAM', [...at, 'ca'], `${path} holds no PEM certificate`);
  }
  return { ca, serverName: tls?.['serverName'] as string | undefined, verify: (tls?.['verify'] as boolean | undefined) ?? true };
}
