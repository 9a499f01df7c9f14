/**
 * Turns a schema-valid document into the runtime GatewayConfig: units converted, defaults applied,
 * groups flattened into routes (prefixes, middleware and name prefixes joined), and the checks
 * a schema cannot express (a route form that is not one route, a field that does not apply to its
 * upstream's type, an address that does not parse) reported as problems. Names used but never
 * defined are references.ts's; admin.listen's exposure is admin-listen.ts's.
 */
import { isAbsolute, resolve, dirname } from 'node:path';
import { defaults } from './defaults.js';
import { parseAddress } from './address.js';
import { parseDuration, parseSize } from './units.js';
import { normalizeHttpUpstream } from './normalize-http.js';
import { normalizeGrpcUpstream } from './normalize-grpc.js';
import { routeShieldConfig, shieldConfig } from './normalize-shield.js';
import { errorsConfig, routeErrorsConfig, routeOpenapiConfig } from './normalize-contract.js';
import { routeShadowConfig } from './normalize-shadow.js';
import { listenTlsConfig } from './normalize-tls.js';
import { routeRolloutConfig, routeSplitConfig, stateConfig, type RouteContext } from './normalize-delivery.js';
import { RESERVED_PARAMS } from '../upstream/fastcgi/params.js';
import type { ErrorCode } from '../errors.js';
import type {
  FastcgiUpstreamConfig,
  GatewayConfig,
  HttpMethod,
  ListenAddress,
  ListenerConfig,
  MiddlewareConfig,
  RouteConfig,
  SenseConfig,
  TelemetryConfig,
  UpstreamConfig,
} from './types.js';

type Raw = Record<string, unknown>;
export interface RawProblem {
  code: ErrorCode;
  segments: (string | number)[];
  message: string;
}

const ALL_METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const METHOD_KEYS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'any'] as const;

export function normalize(raw: Raw, source: string | undefined): { config: GatewayConfig; problems: RawProblem[] } {
  const problems: RawProblem[] = [];
  const baseDir = source === undefined ? process.cwd() : dirname(source);
  const fail = (code: ErrorCode, segments: (string | number)[], message: string) => problems.push({ code, segments, message });

  const address = (value: unknown, segments: (string | number)[]): ListenAddress => {
    const parsed = parseAddress(value as string | number);
    if (parsed === undefined) {
      fail('SY_ERR_CONFIG_INVALID', segments, `'${String(value)}' is not an address`);
      return { kind: 'tcp', host: '0.0.0.0', port: 0 };
    }
    return parsed;
  };

  const listenRaw = raw['listen'] ?? defaults.listen;
  // A list entry may be a mapping with the address and `tls` (normalize-tls.ts).
  const listen = (Array.isArray(listenRaw) ? listenRaw : [listenRaw]).map((v, i): ListenerConfig => {
    const at = Array.isArray(listenRaw) ? ['listen', i] : ['listen'];
    if (v === null || typeof v !== 'object') return address(v, at);
    const entry = v as Raw;
    const tcp = address(entry['address'], [...at, 'address']);
    if (entry['tls'] === undefined) return tcp;
    if (tcp.kind === 'unix') fail('SY_ERR_CONFIG_INVALID', [...at, 'tls'], 'TLS is for TCP addresses; a unix socket has no TLS here');
    return { ...tcp, tls: listenTlsConfig(entry['tls'] as Raw, [...at, 'tls'], baseDir, fail) };
  });

  const adminRaw = raw['admin'] as Raw | undefined;
  // Whether admin needs a token depends on what admin.listen resolves to: admin-listen.ts.
  // `admin.token` holds both scopes; `admin.tokens` splits them (src/admin/admin-server.ts).
  const adminTokens = adminRaw?.['tokens'] as { read: string; write: string } | undefined;
  if (adminRaw?.['token'] !== undefined && adminTokens !== undefined) fail('SY_ERR_CONFIG_INVALID', ['admin', 'tokens'], 'set admin.token (both scopes) or admin.tokens (read and write), not both');
  if (adminTokens !== undefined && adminTokens.read === adminTokens.write) fail('SY_ERR_CONFIG_INVALID', ['admin', 'tokens', 'read'], 'the read token equals the write token: it would write too');
  const admin =
    adminRaw === undefined
      ? undefined
      : { listen: address(adminRaw['listen'], ['admin', 'listen']), token: adminTokens?.write ?? ((adminRaw['token'] as string | undefined) || undefined), readToken: adminTokens?.read };

  const limitsRaw = (raw['limits'] ?? {}) as Raw;
  const limits = {
    headerSize: parseSize(limitsRaw['headerSize']) ?? defaults.limits.headerSize,
    headerCount: (limitsRaw['headerCount'] as number | undefined) ?? defaults.limits.headerCount,
    bodySize: parseSize(limitsRaw['bodySize']) ?? defaults.limits.bodySize,
  };
  const timeoutsRaw = (raw['timeouts'] ?? {}) as Raw;
  const timeouts = {
    headers: parseDuration(timeoutsRaw['headers']) ?? defaults.timeouts.headers,
    body: parseDuration(timeoutsRaw['body']) ?? defaults.timeouts.body,
    idle: parseDuration(timeoutsRaw['idle']) ?? defaults.timeouts.idle,
    shutdown: parseDuration(timeoutsRaw['shutdown']) ?? defaults.timeouts.shutdown,
  };

  const upstreams = new Map<string, UpstreamConfig>();
  for (const [name, value] of Object.entries((raw['upstreams'] ?? {}) as Record<string, Raw>)) {
    const at = ['upstreams', name];
    if (value['type'] === 'fastcgi') {
      const root = resolve(baseDir, value['root'] as string);
      const index = (value['index'] as string | undefined) ?? defaults.fastcgi.index;
      const queue = (value['queue'] ?? {}) as Raw;
      const params = (value['params'] ?? {}) as Record<string, string>;
      for (const key of Object.keys(params)) {
        if (RESERVED_PARAMS.has(key.toUpperCase())) fail('SY_ERR_CONFIG_UPSTREAM', [...at, 'params', key], `${key} cannot be set through params: configure it in the php-fpm pool`);
      }
      const fastcgi: FastcgiUpstreamConfig = {
        type: 'fastcgi',
        name,
        address: address(value['address'], [...at, 'address']),
        root,
        index,
        scripts: (value['scripts'] as string[] | undefined) ?? [index],
        maxConnections: (value['maxConnections'] as number | undefined) ?? defaults.fastcgi.maxConnections,
        queue: {
          max: (queue['max'] as number | undefined) ?? defaults.fastcgi.queue.max,
          timeout: parseDuration(queue['timeout']) ?? defaults.fastcgi.queue.timeout,
        },
        keepAlive: fastcgiKeepAlive(value['keepAlive']),
        connectTimeout: parseDuration(value['connectTimeout']) ?? defaults.fastcgi.connectTimeout,
        readTimeout: parseDuration(value['readTimeout']) ?? defaults.fastcgi.readTimeout,
        spoolMemory: parseSize(value['spoolMemory']) ?? defaults.fastcgi.spoolMemory,
        status: value['status'] as string | undefined,
        slowlog: value['slowlog'] === undefined ? undefined : resolve(baseDir, value['slowlog'] as string),
        params,
      };
      if (!isAbsolute(fastcgi.root)) fail('SY_ERR_CONFIG_UPSTREAM', [...at, 'root'], 'root must be a directory path');
      upstreams.set(name, fastcgi);
    } else if (value['type'] === 'http') {
      upstreams.set(name, normalizeHttpUpstream(name, value, at, fail, baseDir));
    } else if (value['type'] === 'grpc') {
      upstreams.set(name, normalizeGrpcUpstream(name, value, at, fail, baseDir));
    }
  }

  const middleware = new Map<string, MiddlewareConfig>();
  for (const [name, value] of Object.entries((raw['middleware'] ?? {}) as Record<string, Raw>)) {
    const { type, ...options } = value;
    middleware.set(name, { name, type: type as string, options });
  }

  const errors = errorsConfig(raw['errors']);
  const routes: RouteConfig[] = [];
  const flatten = (
    list: Raw[],
    segments: (string | number)[],
    group: { prefix: string; middleware: string[]; name: string; where: Record<string, string> },
  ): void => {
    list.forEach((item, i) => {
      const at = [...segments, i];
      if (item['group'] !== undefined) {
        const g = item['group'] as Raw;
        const groupMiddleware = (g['middleware'] as string[] | undefined) ?? [];
        flatten((item['routes'] as Raw[]) ?? [], [...at, 'routes'], {
          prefix: joinPath(group.prefix, (g['prefix'] as string | undefined) ?? ''),
          middleware: [...group.middleware, ...groupMiddleware],
          name: group.name + ((g['name'] as string | undefined) ?? ''),
          where: { ...group.where, ...((g['where'] as Record<string, string> | undefined) ?? {}) },
        });
        return;
      }
      const used = METHOD_KEYS.filter((k) => item[k] !== undefined);
      const matchList = item['match'] as string[] | undefined;
      let methods: HttpMethod[] = [];
      let path: string | undefined;
      if (matchList !== undefined) {
        if (used.length > 0 || item['path'] === undefined) {
          fail('SY_ERR_CONFIG_ROUTE', at, '`match` takes its path from `path` and cannot be combined with get/post/...');
          return;
        }
        methods = matchList.map((m) => m.toUpperCase() as HttpMethod);
        path = item['path'] as string;
      } else if (used.length !== 1) {
        fail('SY_ERR_CONFIG_ROUTE', at, used.length === 0 ? 'a route needs one of get, post, put, patch, delete, options, any or match' : `a route takes one method key, found ${used.join(', ')} (use match: [...] with path)`);
        return;
      } else {
        const key = used[0] as (typeof METHOD_KEYS)[number];
        methods = key === 'any' ? [...ALL_METHODS] : [key.toUpperCase() as HttpMethod];
        path = item[key] as string;
      }
      if (item['path'] !== undefined && matchList === undefined) fail('SY_ERR_CONFIG_ROUTE', [...at, 'path'], '`path` goes with `match`; with get/post/... the path is their value');
      // Unknown upstream and middleware names: references.ts, which also reads invalid documents.
      const to = item['to'] as string;
      const own = (item['middleware'] as string[] | undefined) ?? [];
      const isStatic = (item['static'] as boolean | undefined) ?? false;
      if (isStatic && (upstreams.get(to)?.type === 'http' || upstreams.get(to)?.type === 'grpc')) fail('SY_ERR_CONFIG_ROUTE', [...at, 'static'], '`static` applies to fastcgi upstreams only');
      for (const key of ['stripPrefix', 'rewrite', 'hostHeader']) {
        if (item[key] !== undefined && upstreams.get(to)?.type !== 'http') fail('SY_ERR_CONFIG_ROUTE', [...at, key], `\`${key}\` applies to http upstreams only`);
      }
      const name = item['name'] === undefined ? undefined : group.name + (item['name'] as string);
      const fullPath = joinPath(group.prefix, path);
      routes.push({
        methods,
        path: fullPath,
        // A group's `where` applies to the routes that have that parameter (as Laravel's
        // Route::pattern does); a route's own `where` must name its parameters.
        where: { ...inheritedWhere(group.where, fullPath), ...((item['where'] as Record<string, string> | undefined) ?? {}) },
        name,
        to,
        middleware: [...group.middleware, ...own],
        static: isStatic,
        bodySize: parseSize(item['bodyLimit']) ?? limits.bodySize,
        stripPrefix: item['stripPrefix'] as string | undefined,
        rewrite: item['rewrite'] as string | undefined,
        hostHeader: (item['hostHeader'] as string | undefined) ?? defaults.http.hostHeader,
        shield: routeShieldConfig(item['shield'], at, fail),
        openapi: routeOpenapiConfig(item['openapi'], baseDir),
        errors: routeErrorsConfig(item['errors'], errors),
        shadow: routeShadowConfig(item['shadow'], name, at, fail),
        ...deliveryOf(item, { name, to, upstreams: new Set(upstreams.keys()), at }, fail),
        at,
      });
    });
  };
  flatten((raw['routes'] ?? []) as Raw[], ['routes'], { prefix: '', middleware: [], name: '', where: {} });

  return {
    config: {
      listen,
      admin,
      limits,
      timeouts,
      upstreams,
      middleware,
      routes,
      accessLog: { target: accessLogTarget((raw['accessLog'] as string | undefined) ?? defaults.accessLog, baseDir) },
      telemetry: telemetryConfig((raw['telemetry'] ?? {}) as Raw),
      shield: shieldConfig(raw['shield'], fail),
      sense: senseConfig(raw['sense'] as Raw | undefined),
      errors,
      state: stateConfig(raw['state'], baseDir),
      source,
    },
    problems,
  };
}

/** A route's `split:` and `rollout:` (normalize-delivery.ts). */
function deliveryOf(item: Raw, route: RouteContext, fail: (code: ErrorCode, segments: (string | number)[], message: string) => void) {
  const split = routeSplitConfig(item['split'], route, fail);
  return { split, rollout: routeRolloutConfig(item['rollout'], split, route, fail) };
}

function senseConfig(raw: Raw | undefined): SenseConfig | undefined {
  if (raw === undefined) return undefined;
  const exec = (raw['exec'] ?? {}) as Raw;
  return { exec: { kill: (exec['kill'] as boolean | undefined) ?? defaults.sense.exec.kill }, keep: (raw['keep'] as number | undefined) ?? defaults.sense.keep };
}

function telemetryConfig(raw: Raw): TelemetryConfig {
  const tracing = raw['tracing'] as Raw | undefined;
  const heatmap = (raw['heatmap'] ?? {}) as Raw;
  const d = defaults.telemetry;
  return {
    metrics: (raw['metrics'] as boolean | undefined) ?? d.metrics,
    tracing:
      tracing === undefined
        ? undefined
        : {
            otlp: tracing['otlp'] as string,
            sampleRatio: (tracing['sampleRatio'] as number | undefined) ?? d.sampleRatio,
            serviceName: (tracing['serviceName'] as string | undefined) ?? d.serviceName,
          },
    heatmap: { slice: parseDuration(heatmap['slice']) ?? d.heatmap.slice, keep: parseDuration(heatmap['keep']) ?? d.heatmap.keep },
  };
}

/** `stdout` and `off` are keywords; anything else is a file, relative to the config's folder. */
function accessLogTarget(value: string, baseDir: string): string {
  return value === 'stdout' || value === 'off' ? value : resolve(baseDir, value);
}

function inheritedWhere(where: Record<string, string>, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, pattern] of Object.entries(where)) if (new RegExp(`\\{${param}[?:}]`).test(path)) out[param] = pattern;
  return out;
}

/** Joins a group prefix and a route path as Laravel does: exactly one slash between them. */
function joinPath(prefix: string, path: string): string {
  if (prefix === '' || prefix === '/') return path === '' ? '/' : path;
  const joined = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** `keepAlive: true | false | { idle }`; true and an object without `idle` mean the default. */
function fastcgiKeepAlive(value: unknown): FastcgiUpstreamConfig['keepAlive'] {
  if (value === false) return false;
  if (value === undefined || value === true) return defaults.fastcgi.keepAlive;
  return { idle: parseDuration((value as Record<string, unknown>)['idle']) ?? defaults.fastcgi.keepAlive.idle };
}
