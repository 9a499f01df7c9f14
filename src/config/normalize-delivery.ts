/**
 * A route's `split:` and `rollout:` and the top-level `state:` turned into their runtime shapes
 * with defaults applied (docs/delivery.md). The schema has checked the shapes; what it cannot
 * say is checked here with the YAML path: a canary upstream that does not exist or is the
 * route's own `to`, a rollout on a route without a name, step weights that do not increase or
 * exceed 100, an unknown analysis metric, a split and a rollout naming different canaries.
 */
import { resolve } from 'node:path';
import { defaults } from './defaults.js';
import { parseDuration } from './units.js';
import { closest } from './did-you-mean.js';
import type { ErrorCode } from '../errors.js';
import type { AnalysisCheck, RolloutConfig, RolloutStep, SplitConfig, StateConfig } from './types.js';

type Raw = Record<string, unknown>;
type Fail = (code: ErrorCode, segments: (string | number)[], message: string) => void;

const METRICS = ['errorRate', 'latencyP99', 'shadowMismatch', 'prometheus'] as const;

export interface RouteContext {
  readonly name: string | undefined;
  /** The baseline upstream. */
  readonly to: string;
  readonly upstreams: ReadonlySet<string>;
  readonly at: (string | number)[];
}

function checkCanary(canary: string, route: RouteContext, key: 'split' | 'rollout', fail: Fail): void {
  const at = [...route.at, key, 'canary'];
  if (canary === route.to) fail('SY_ERR_CONFIG_ROUTE', at, `the canary '${canary}' is the route's baseline (to): name another upstream`);
  else if (!route.upstreams.has(canary)) {
    const hint = closest(canary, [...route.upstreams]);
    fail('SY_ERR_CONFIG_ROUTE', at, `unknown upstream '${canary}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }
}

export function routeSplitConfig(raw: unknown, route: RouteContext, fail: Fail): SplitConfig | undefined {
  if (raw === undefined || raw === null || typeof raw !== 'object') return undefined;
  const value = raw as Raw;
  const canary = value['canary'] as string;
  checkCanary(canary, route, 'split', fail);
  const sticky = value['sticky'] as 'cookie' | 'header' | undefined;
  if (sticky === 'header' && value['header'] === undefined) fail('SY_ERR_CONFIG_ROUTE', [...route.at, 'split', 'sticky'], 'sticky: header needs `header`: the request header whose value keeps a client on one side');
  return {
    canary,
    weight: value['weight'] as number,
    sticky: sticky === undefined ? undefined : { kind: sticky, name: sticky === 'cookie' ? ((value['cookie'] as string | undefined) ?? defaults.delivery.cookie) : ((value['header'] as string | undefined) ?? '').toLowerCase() },
  };
}

export function routeRolloutConfig(raw: unknown, split: SplitConfig | undefined, route: RouteContext, fail: Fail): RolloutConfig | undefined {
  if (raw === undefined || raw === null || typeof raw !== 'object') return undefined;
  const value = raw as Raw;
  const at = [...route.at, 'rollout'];
  const d = defaults.delivery;
  if (route.name === undefined) fail('SY_ERR_CONFIG_ROUTE', at, 'a rollout needs the route to have a `name`: the admin API and `switchyard rollout` address it by name');
  const canary = value['canary'] as string;
  checkCanary(canary, route, 'rollout', fail);
  if (split !== undefined && split.canary !== canary) fail('SY_ERR_CONFIG_ROUTE', [...route.at, 'split', 'canary'], `split and rollout name different canaries ('${split.canary}', '${canary}'): under a rollout, split only says how clients stick to a side`);
  const steps: RolloutStep[] = ((value['steps'] as Raw[] | undefined) ?? []).map((s, i) => {
    const weight = s['weight'] as number;
    if (weight > 100) fail('SY_ERR_CONFIG_ROUTE', [...at, 'steps', i, 'weight'], `a step's weight is a percent: ${weight} is above 100`);
    return { weight, hold: parseDuration(s['hold']) ?? d.hold, minSamples: (s['minSamples'] as number | undefined) ?? d.minSamples };
  });
  steps.forEach((s, i) => {
    const before = steps[i - 1];
    if (before !== undefined && s.weight <= before.weight) fail('SY_ERR_CONFIG_ROUTE', [...at, 'steps', i, 'weight'], `step weights must increase: ${s.weight} follows ${before.weight}`);
  });
  const analysis: AnalysisCheck[] = [];
  ((value['analysis'] as Raw[] | undefined) ?? []).forEach((c, i) => {
    const metric = c['metric'] as string;
    if (metric === 'errorRate') analysis.push({ metric, maxIncrease: c['maxIncrease'] as number });
    else if (metric === 'latencyP99') analysis.push({ metric, maxRatio: c['maxRatio'] as number });
    else if (metric === 'shadowMismatch') analysis.push({ metric, max: c['max'] as number });
    else if (metric === 'prometheus') analysis.push({ metric, url: (c['url'] as string | undefined) ?? d.prometheus, query: c['query'] as string, max: c['max'] as number | undefined, min: c['min'] as number | undefined });
    else {
      const hint = closest(metric, METRICS);
      fail('SY_ERR_CONFIG_ROUTE', [...at, 'analysis', i, 'metric'], `unknown metric '${metric}'${hint ? ` (did you mean '${hint}'?)` : ''}: one of ${METRICS.join(', ')}`);
    }
  });
  return { canary, steps, interval: parseDuration(value['interval']) ?? d.interval, analysis, onFailure: (value['onFailure'] as 'rollback' | 'pause' | undefined) ?? d.onFailure };
}

/** `state.store`; a file: path is relative to the config file's folder. */
export function stateConfig(raw: unknown, baseDir: string): StateConfig {
  const store = ((raw as Raw | undefined)?.['store'] as string | undefined) ?? defaults.delivery.store;
  if (store.startsWith('redis://')) return { kind: 'redis', url: store };
  return { kind: 'file', path: resolve(baseDir, store.slice('file:'.length)) };
}
