/** `switchyard serve`. */
import { Command } from 'commander';
import type { CommandContext } from '../io.js';

export function serveCommand(ctx: CommandContext): Command {
  return new Command('serve').action(() => {
    ctx.exit(1);
  });
}
