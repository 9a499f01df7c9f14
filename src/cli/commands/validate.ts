/**
 * `switchyard validate [-c FILE]`: loads the config and builds everything a start would build
 * (routes, middleware, upstreams) without listening, then prints every problem with its YAML path,
 * line and column. Exit 0 when the config is good, 1 otherwise.
 */
import { Command } from 'commander';
import pino from 'pino';
import type { CommandContext } from '../io.js';
import { loadConfigFile } from '../../config/load.js';
import { ConfigError, formatProblem } from '../../config/problems.js';
import { buildRuntime } from '../../gateway/build.js';
import { resolve } from 'node:path';

export function validateCommand(ctx: CommandContext): Command {
  return new Command('validate')
    .description('check a config file and print every problem with its line')
    .option('-c, --config <file>', 'config file', 'switchyard.yaml')
    .action(async (opts: { config: string }) => {
      const file = resolve(ctx.io.cwd, opts.config);
      try {
        const loaded = await loadConfigFile(file, ctx.io.env);
        const runtime = buildRuntime(loaded, pino({ level: 'silent' }), opts.config);
        await Promise.all([...runtime.upstreams.values()].map((u) => u.close()));
        ctx.io.stdout.write(`${opts.config}: ok (${runtime.config.routes.length} routes, ${runtime.config.upstreams.size} upstreams)\n`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) ctx.io.stderr.write(`${formatProblem(opts.config, p)}\n`);
        ctx.io.stderr.write(`${opts.config}: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}\n`);
        ctx.exit(1);
      }
    });
}
