/**
 * `shield:` at the top level and on a route, turned into ShieldConfig / RouteShieldConfig with
 * defaults applied; rule ids and categories that do not exist are problems here, at load time,
 * with did-you-mean help from the schema's wording (docs/shield.md).
 */
import { defaults } from './defaults.js';
import { parseSize } from './units.js';
import { unknownRuleKey } from '../shield/policy.js';
import type { ErrorCode } from '../errors.js';
import type { RouteShieldConfig, ShieldConfig, ShieldMode, ShieldRuleSettings } from './types.js';

type Raw = Record<string, unknown>;
type Fail = (code: ErrorCode, segments: (string | number)[], message: string) => void;

export function shieldConfig(raw: unknown, fail: Fail): ShieldConfig {
  const d = defaults.shield;
  if (raw === false) return { enabled: false, paranoia: d.paranoia, mode: d.mode, rules: {}, maxUrlLength: d.maxUrlLength };
  const value = (raw === undefined || raw === true ? {} : raw) as Raw;
  return {
    enabled: (value['enabled'] as boolean | undefined) ?? d.enabled,
    paranoia: (value['paranoia'] as 1 | 2 | undefined) ?? d.paranoia,
    mode: (value['mode'] as ShieldMode | undefined) ?? d.mode,
    rules: ruleSettings(value['rules'], ['shield', 'rules'], fail),
    maxUrlLength: parseSize(value['maxUrlLength']) ?? d.maxUrlLength,
  };
}

/** A route's `shield: false | true | { mode, paranoia, disable, rules }`; undefined when absent. */
export function routeShieldConfig(raw: unknown, at: (string | number)[], fail: Fail): RouteShieldConfig | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'boolean') return { enabled: raw, paranoia: undefined, mode: undefined, disable: [], rules: {} };
  const value = raw as Raw;
  const disable = ((value['disable'] as (string | number)[] | undefined) ?? []).map(String);
  disable.forEach((key, i) => {
    const problem = unknownRuleKey(key);
    if (problem !== undefined) fail('SY_ERR_CONFIG_INVALID', [...at, 'shield', 'disable', i], problem);
  });
  return {
    enabled: value['enabled'] as boolean | undefined,
    paranoia: value['paranoia'] as 1 | 2 | undefined,
    mode: value['mode'] as ShieldMode | undefined,
    disable,
    rules: ruleSettings(value['rules'], [...at, 'shield', 'rules'], fail),
  };
}

function ruleSettings(raw: unknown, at: (string | number)[], fail: Fail): ShieldRuleSettings {
  const out: Record<string, ShieldMode | 'off'> = {};
  for (const [key, mode] of Object.entries((raw ?? {}) as Record<string, ShieldMode | 'off'>)) {
    const problem = unknownRuleKey(key);
    if (problem !== undefined) fail('SY_ERR_CONFIG_INVALID', [...at, key], problem);
    else out[key] = mode;
  }
  return out;
}
