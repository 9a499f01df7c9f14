/** `switchyard logs`: access-log analytics (SPEC section 7). */
import { Command } from 'commander';
import type { CommandContext } from '../../cli/io.js';

export function logsCommand(ctx: CommandContext): Command {
  return new Command('logs')
    .description('access-log analytics: top IPs, paths, route patterns, latency, migration ranking')
    .argument('<file...>', 'log files (.gz accepted), or - for stdin')
    .action(() => {
      ctx.io.stderr.write('switchyard: logs is not built yet\n');
      ctx.exit(1);
    });
}
