/**
 * `switchyard serve [-c FILE] [--workers N]`: runs the gateway until SIGTERM or SIGINT (graceful
 * stop). SIGHUP reloads the config: a bad new config is logged with its problems and the old one
 * keeps serving. `--workers N` (default: one per core) runs N worker processes on the shared
 * listeners under a primary (src/process); `--workers 1` is the single-process gateway.
 */
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import type { CommandContext } from '../io.js';
import { startGateway } from '../../gateway/start.js';

function workerCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new InvalidArgumentError('expected a whole number from 1 to 1024');
  return n;
}

export function serveCommand(ctx: CommandContext): Command {
  return new Command('serve')
    .description('run the gateway')
    .option('-c, --config <file>', 'config file', 'switchyard.yaml')
    .option('--log-level <level>', 'operational log level (fatal, error, warn, info, debug)', 'info')
    .option('-w, --workers <n>', 'worker processes sharing the listeners (default: one per core)', workerCount)
    .action(async (opts: { config: string; logLevel: string; workers?: number }) => {
      const file = resolve(ctx.io.cwd, opts.config);
      const workers = opts.workers ?? availableParallelism();
      if (workers > 1) {
        const { runPrimary } = await import('../../process/primary.js');
        await runPrimary({ file, env: ctx.io.env, logLevel: opts.logLevel, logStream: ctx.io.stderr, workers });
        return;
      }
      const running = await startGateway({ file, env: ctx.io.env, logLevel: opts.logLevel, logStream: ctx.io.stderr });
      await running.stopped;
    });
}
