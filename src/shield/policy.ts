/**
 * Which rules run on a route and what each does, decided once when the config is built: the
 * top-level `shield:` (paranoia, default mode, per-rule or per-category settings) and the
 * route's own `shield:` (off, a mode for every rule, rules or categories disabled), resolved as
 * a CRS user expects: a route setting wins over a top-level one, an id over its category, and a
 * rule above the paranoia level runs only when named explicitly.
 */
import type { RouteShieldConfig, ShieldConfig, ShieldMode } from '../config/types.js';
import { closest } from '../config/did-you-mean.js';
import { CATEGORIES, RULES, RULES_BY_ID, type RequestRule, type ShieldRule, type ValueKind, type ValueRule } from './catalogue.js';

export interface Active<R extends ShieldRule> {
  readonly rule: R;
  readonly mode: ShieldMode;
}

export interface ShieldPolicy {
  readonly requestRules: readonly Active<RequestRule>[];
  readonly valueRules: ReadonlyMap<ValueKind, readonly Active<ValueRule>[]>;
  /** The value rules that can match a plain word (ValueRule.plain), by kind. */
  readonly plainValueRules: ReadonlyMap<ValueKind, readonly Active<ValueRule>[]>;
  /** True when some active rule reads body fields or upload names. */
  readonly inspectsBody: boolean;
  readonly maxUrlLength: number;
}

/** A rule id or category the settings name that does not exist; undefined when it does. */
export function unknownRuleKey(key: string): string | undefined {
  if ((CATEGORIES as readonly string[]).includes(key)) return undefined;
  if (/^\d+$/.test(key) && RULES_BY_ID.has(Number(key))) return undefined;
  const hint = closest(key, CATEGORIES);
  return `'${key}' is neither a shield rule id nor a category${hint === undefined ? '' : ` (did you mean '${hint}'?)`}: the categories are ${CATEGORIES.join(', ')}; \`switchyard shield rules\` lists the ids`;
}

/** The action of `rule` under these settings, or 'off'. */
export function ruleMode(rule: ShieldRule, shield: ShieldConfig, route: RouteShieldConfig | undefined): ShieldMode | 'off' {
  const id = String(rule.id);
  if (route?.disable.includes(id) || route?.disable.includes(rule.category)) return 'off';
  const explicit = route?.rules[id] ?? route?.rules[rule.category] ?? shield.rules[id] ?? shield.rules[rule.category];
  if (explicit === 'off') return 'off';
  const paranoia = route?.paranoia ?? shield.paranoia;
  if (explicit === undefined && rule.paranoia > paranoia) return 'off';
  return route?.mode ?? explicit ?? shield.mode;
}

/** Whether the shield runs on a route at all. */
export function shieldApplies(shield: ShieldConfig, route: RouteShieldConfig | undefined, fastcgi: boolean): boolean {
  if (route?.enabled !== undefined) return route.enabled;
  // A route that sets `shield: { ... }` asks for it on any upstream (docs/shield.md), unless the
  // top level turned it off everywhere.
  if (route !== undefined) return shield.enabled;
  return shield.enabled && fastcgi;
}

export function compilePolicy(shield: ShieldConfig, route: RouteShieldConfig | undefined): ShieldPolicy {
  const requestRules: Active<RequestRule>[] = [];
  const valueRules = new Map<ValueKind, Active<ValueRule>[]>();
  const plainValueRules = new Map<ValueKind, Active<ValueRule>[]>();
  let inspectsBody = false;
  for (const rule of RULES) {
    const mode = ruleMode(rule, shield, route);
    if (mode === 'off') continue;
    if (rule.scope === 'request') {
      requestRules.push({ rule, mode });
      continue;
    }
    for (const kind of rule.kinds) {
      let list = valueRules.get(kind);
      if (list === undefined) valueRules.set(kind, (list = []));
      list.push({ rule, mode });
      if (rule.plain === true) {
        let plain = plainValueRules.get(kind);
        if (plain === undefined) plainValueRules.set(kind, (plain = []));
        plain.push({ rule, mode });
      }
      if (kind === 'arg' || kind === 'arg-name' || kind === 'file-name') inspectsBody = true;
    }
  }
  return { requestRules, valueRules, plainValueRules, inspectsBody, maxUrlLength: shield.maxUrlLength };
}
