/**
 * `switchyard shield rules [-c FILE] [--json]`: the shield's rules with id, category, paranoia
 * level and mode (SPEC section 1); with a config, the mode each rule has under its top-level
 * `shield:` and, for every route that changes it, what differs there; then what the HTTP/1.1
 * codec already refuses, so that nobody looks for a rule that is not needed.
 */
import { Command } from 'commander';
import { resolve } from 'node:path';
import type { CommandContext } from '../io.js';
import { loadConfigFile } from '../../config/load.js';
import { defaults } from '../../config/defaults.js';
import type { GatewayConfig, ShieldConfig } from '../../config/types.js';
import { CODEC_COVERED, RULES } from '../../shield/catalogue.js';
import { ruleMode, shieldApplies } from '../../shield/policy.js';

const DEFAULT_SHIELD: ShieldConfig = { enabled: defaults.shield.enabled, paranoia: defaults.shield.paranoia, mode: defaults.shield.mode, rules: {}, maxUrlLength: defaults.shield.maxUrlLength };

export function shieldCommand(ctx: CommandContext): Command {
  const shield = new Command('shield').description('the security shield in front of PHP-FPM (docs/shield.md)');
  shield
    .command('rules')
    .description('list the shield rules: id, category, paranoia level, mode')
    .option('-c, --config <file>', 'config file whose shield settings to apply (default: the built-in settings)')
    .option('--json', 'print JSON')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const config = opts.config === undefined ? undefined : (await loadConfigFile(resolve(ctx.io.cwd, opts.config), ctx.io.env)).config;
      const settings = config?.shield ?? DEFAULT_SHIELD;
      const rows = RULES.map((r) => ({ id: r.id, category: r.category, paranoia: r.paranoia, mode: settings.enabled ? ruleMode(r, settings, undefined) : 'off', description: r.description }));
      const routes = config === undefined ? [] : routeDifferences(config);
      if (opts.json === true) {
        ctx.io.stdout.write(`${JSON.stringify({ rules: rows, routes, codec: CODEC_COVERED }, null, 2)}\n`);
        return;
      }
      const out: string[] = [`${'id'.padEnd(7)} ${'category'.padEnd(17)} pl  ${'mode'.padEnd(5)} detects`];
      for (const r of rows) out.push(`${String(r.id).padEnd(7)} ${r.category.padEnd(17)} ${String(r.paranoia).padEnd(3)} ${r.mode.padEnd(5)} ${r.description}`);
      for (const route of routes) {
        out.push('', `route ${route.route}: ${route.enabled ? '' : 'shield off'}`);
        for (const [id, mode] of Object.entries(route.changed)) out.push(`  ${id.padEnd(7)} ${mode}`);
      }
      out.push('', 'refused by the HTTP/1.1 codec before any rule runs (400 or 431/413, connection closed):');
      for (const c of CODEC_COVERED) out.push(`${c.id.padEnd(7)} ${'protocol'.padEnd(17)} -   codec ${c.description}`);
      ctx.io.stdout.write(`${out.join('\n')}\n`);
    });
  return shield;
}

/** Routes where the shield is off, or where some rule's mode differs from the top level. */
function routeDifferences(config: GatewayConfig): { route: string; enabled: boolean; changed: Record<string, string> }[] {
  const out: { route: string; enabled: boolean; changed: Record<string, string> }[] = [];
  for (const route of config.routes) {
    const fastcgi = config.upstreams.get(route.to)?.type === 'fastcgi';
    const name = route.name ?? `${route.methods.length === 7 ? 'any' : route.methods.join('|')} ${route.path}`;
    const on = shieldApplies(config.shield, route.shield, fastcgi);
    if (!on) {
      if (fastcgi) out.push({ route: name, enabled: false, changed: {} });
      continue;
    }
    const changed: Record<string, string> = {};
    for (const rule of RULES) {
      const here = ruleMode(rule, config.shield, route.shield);
      if (here !== ruleMode(rule, config.shield, undefined) || !config.shield.enabled) changed[String(rule.id)] = here;
    }
    if (Object.keys(changed).length > 0) out.push({ route: name, enabled: true, changed });
  }
  return out;
}
