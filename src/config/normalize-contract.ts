/**
 * The config keys of contracts and error chains: a route's `openapi:` (the
 * spec path resolved against the config's directory; the document itself is read and compiled
 * when the runtime is built, src/contract) and `errors:` at the top level and on a route (a
 * route's `expose` over the top-level one; the `map` rules are the top level's). Defaults:
 * src/config/defaults.ts.
 */
import { resolve } from 'node:path';
import { defaults } from './defaults.js';
import type { ErrorExposure, ErrorMapRule, ErrorsConfig, RouteOpenapiConfig } from './types.js';

type Raw = Record<string, unknown>;

export function routeOpenapiConfig(raw: unknown, baseDir: string): RouteOpenapiConfig | undefined {
  if (raw === undefined || raw === null || typeof raw !== 'object') return undefined;
  const o = raw as Raw;
  return {
    spec: resolve(baseDir, o['spec'] as string),
    operation: o['operation'] as string,
    validate: (o['validate'] as ('request' | 'response')[] | undefined) ?? [...defaults.openapi.validate],
    enforce: (o['enforce'] as boolean | undefined) ?? defaults.openapi.enforce,
  };
}

export function errorsConfig(raw: unknown): ErrorsConfig {
  const o = (raw ?? {}) as Raw;
  const map = ((o['map'] as Raw[] | undefined) ?? []).map(
    (rule): ErrorMapRule => ({
      match: (rule['match'] ?? {}) as ErrorMapRule['match'],
      type: rule['type'] as string | undefined,
      title: rule['title'] as string | undefined,
      status: rule['status'] as number | undefined,
    }),
  );
  return { expose: (o['expose'] as ErrorExposure | undefined) ?? defaults.errors.expose, map };
}

/** A route's `errors:` over the top-level ones. */
export function routeErrorsConfig(raw: unknown, top: ErrorsConfig): ErrorsConfig {
  const expose = (raw as Raw | undefined)?.['expose'] as ErrorExposure | undefined;
  return expose === undefined ? top : { ...top, expose };
}
