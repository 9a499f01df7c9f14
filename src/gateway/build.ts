/**
 * Builds the runtime from a loaded config, once: every middleware's options checked and its
 * filter made, every route added to the router with its chain composed, every upstream created.
 * All problems are collected with their YAML positions and thrown together, so a bad config
 * fails here — at startup or reload — and never on a request.
 */
import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { Router } from '../router/index.js';
import { compose, type Filter } from '../filters/filter.js';
import { filterFactories } from '../filters/registry.js';
import { ConfigError, pathToString, type ConfigProblem } from '../config/problems.js';
import { isSwitchyardError, type ErrorCode } from '../errors.js';
import { createUpstream } from '../upstream/create-upstream.js';
import type { LoadedConfig } from '../config/load.js';
import type { GatewayConfig, RouteConfig } from '../config/types.js';
import type { Upstream } from '../upstream/upstream.js';
import type { Exchange } from '../listener/exchange.js';
import { compilePolicy, shieldApplies } from '../shield/policy.js';
import { createShieldFilter } from '../shield/shield-filter.js';
import { stripUserHeaders, userHeaderNames, userHeaderRouteProblem } from '../plugins/php-session/user-header.js';
import { createChainFilter, requestChainFilter } from '../error-chain/chain-filter.js';
import { RouteContracts } from '../contract/route-contracts.js';
import { routeShadow } from '../delivery/shadow/build-shadow.js';
import type { RouteShadow } from '../delivery/shadow/route-shadow.js';
import { Delivery } from '../delivery/delivery.js';
import { deliveryTerminal } from '../delivery/split/delivery-terminal.js';
import { transcodedRouteConfigs } from '../upstream/grpc/transcode/mount.js';

export interface CompiledRoute {
  readonly route: RouteConfig;
  /** The route's filters around its upstream. */
  readonly run: (exchange: Exchange) => Promise<void>;
  /**
   * The route's filters with nothing behind them, for a CORS preflight (OPTIONS asking about
   * this route's method); undefined when no filter of the route answers preflights.
   */
  readonly preflight: ((exchange: Exchange) => Promise<void>) | undefined;
}

export interface Runtime {
  readonly config: GatewayConfig;
  readonly router: Router<CompiledRoute>;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  /** Each shadowed route's shadow by route name, for GET /admin/shadow (docs/shadow.md). */
  readonly shadows: ReadonlyMap<string, RouteShadow>;
  /** Split and rollouts (docs/delivery.md); one per process, handed on from runtime to runtime. */
  readonly delivery: Delivery;
}

/**
 * `processes`: how many worker processes run this runtime side by side (serve --workers N).
 * `previous`: the runtime a reload replaces; an upstream whose config did not change is taken
 * over from it as it is, with its pool, queue, health state and kept connections, so a reload
 * neither doubles the connections php-fpm sees nor forgets what the cluster learned.
 */
export function buildRuntime(loaded: LoadedConfig, log: Logger, file = 'switchyard.yaml', processes = 1, previous?: Runtime): Runtime {
  const { config, locate } = loaded;
  const problems: ConfigProblem[] = [];
  const fail = (code: ErrorCode, segments: readonly (string | number)[], message: string) =>
    problems.push({ code, path: pathToString(segments), message, ...(locate(segments) ?? {}) });

  const filters = new Map<string, Filter>();
  for (const [name, mw] of config.middleware) {
    const factory = filterFactories.get(mw.type);
    if (factory === undefined) {
      fail('SY_ERR_CONFIG_MIDDLEWARE', ['middleware', name, 'type'], `unknown middleware type '${mw.type}'`);
      continue;
    }
    const context = { name, log, processes, configDir: dirname(resolve(file)) };
    const found = factory.check(mw.options, context);
    for (const p of found) fail('SY_ERR_CONFIG_MIDDLEWARE', ['middleware', name, ...p.segments], p.message);
    if (found.length === 0) filters.set(name, factory.create(mw.options as never, context));
  }

  const upstreams = new Map<string, Upstream>();
  for (const [name, upstreamConfig] of config.upstreams) {
    const kept = previous?.upstreams.get(name);
    if (kept !== undefined && isDeepStrictEqual(previous?.config.upstreams.get(name), upstreamConfig)) {
      upstreams.set(name, kept);
      continue;
    }
    try {
      upstreams.set(name, createUpstream(upstreamConfig, log, processes));
    } catch (err) {
      if (!isSwitchyardError(err)) throw err;
      fail(err.code, ['upstreams', name], err.message);
    }
  }

  const router = new Router<CompiledRoute>();
  const delivery = previous?.delivery ?? new Delivery(log);
  const contracts = new RouteContracts();
  const shadows = new Map<string, RouteShadow>();
  const stripUser = stripUserHeaders(userHeaderNames(config));
  for (const route of config.routes) {
    const userHeaderProblem = userHeaderRouteProblem(config, route);
    if (userHeaderProblem !== undefined) fail('SY_ERR_CONFIG_MIDDLEWARE', [...route.at, 'middleware'], userHeaderProblem);
    const upstream = upstreams.get(route.to);
    const chain = route.middleware.map((m) => filters.get(m)).filter((f): f is Filter => f !== undefined);
    // The shield goes first: a request it blocks reaches neither the middleware nor PHP.
    if (shieldApplies(config.shield, route.shield, config.upstreams.get(route.to)?.type === 'fastcgi')) chain.unshift(createShieldFilter(compilePolicy(config.shield, route.shield)));
    // Before anything else: no client request carries phpSession's user header past this point.
    chain.unshift(stripUser);
    // Nearest the upstream: error chains from its answers, then the contract it is checked against.
    const upstreamType = config.upstreams.get(route.to)?.type;
    if (upstreamType === 'fastcgi' || upstreamType === 'http') chain.push(createChainFilter(upstreamType === 'fastcgi' ? 'php' : 'http'));
    else if (upstreamType === 'grpc') chain.push(requestChainFilter);
    const contract = contracts.build(route);
    if (contract !== undefined && 'filter' in contract) chain.push(contract.filter);
    else if (contract !== undefined) fail('SY_ERR_CONFIG_CONTRACT', [...route.at, 'openapi', contract.key], contract.message);
    let baseline = upstream === undefined ? async () => {} : (exchange: Exchange) => upstream.handle(exchange);
    // A shadowed route: copies of what the baseline served go to the target and are compared.
    const shadowTap = route.shadow === undefined || route.name === undefined ? undefined : routeShadow(route.name, route.shadow, upstreams, previous?.shadows, log);
    if (shadowTap !== undefined) {
      shadows.set(route.name as string, shadowTap);
      baseline = shadowTap.wrap(baseline);
    }
    // A split, rolled-out or shadowed route: the side is picked and named on every answer.
    const canary = upstreams.get(route.rollout?.canary ?? route.split?.canary ?? '');
    const terminal =
      route.split !== undefined || route.rollout !== undefined || shadowTap !== undefined
        ? deliveryTerminal(route, baseline, canary === undefined ? undefined : (exchange: Exchange) => canary.handle(exchange), route.rollout === undefined || route.name === undefined ? undefined : () => delivery.runner(route.name as string))
        : baseline;
    try {
      router.add({
        methods: route.methods,
        path: route.path,
        where: route.where,
        ...(route.name === undefined ? {} : { name: route.name }),
        value: { route, run: compose(chain, terminal), preflight: route.middleware.some((m) => config.middleware.get(m)?.type === 'cors') ? compose(chain, async () => {}) : undefined },
        at: pathToString(route.at),
      });
    } catch (err) {
      if (!isSwitchyardError(err)) throw err;
      fail(err.code, route.at, err.message);
    }
  }
  // transcode: true mounts each google.api.http binding (docs/grpc.md); a configured route of the same shape wins
  for (const { route, at } of transcodedRouteConfigs(config, fail)) {
    const upstream = upstreams.get(route.to);
    if (upstream === undefined) continue;
    try {
      router.add({ methods: route.methods, path: route.path, where: route.where, value: { route, run: (exchange: Exchange) => upstream.handle(exchange), preflight: undefined }, at });
    } catch (err) {
      if (!isSwitchyardError(err)) throw err;
    }
  }

  if (problems.length > 0) {
    for (const [name, upstream] of upstreams) if (previous?.upstreams.get(name) !== upstream) void upstream.close();
    throw new ConfigError(file, problems);
  }
  delivery.configure(config, shadows);
  return { config, router, upstreams, shadows, delivery };
}
