/**
 * `switchyard serve [-c FILE]`: runs the gateway until SIGTERM or SIGINT (graceful stop).
 * SIGHUP reloads the config: a bad new config is logged with its problems and the old one keeps
 * serving.
 */
import { Command } from 'commander';
import { resolve } from 'node:path';
import type { CommandContext } from '../io.js';
import { startGateway } from '../../gateway/start.js';

export function serveCommand(ctx: CommandContext): Command {
  return new Command('serve')
    .description('run the gateway')
    .option('-c, --config <file>', 'config file', 'switchyard.yaml')
    .option('--log-level <level>', 'operational log level (fatal, error, warn, info, debug)', 'info')
    .action(async (opts: { config: string; logLevel: string }) => {
      const running = await startGateway({ file: resolve(ctx.io.cwd, opts.config), env: ctx.io.env, logLevel: opts.logLevel, logStream: ctx.io.stderr });
      await running.stopped;
    });
}
