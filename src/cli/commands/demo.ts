/** `switchyard demo`. */
import { Command } from 'commander';
import type { CommandContext } from '../io.js';

export function demoCommand(ctx: CommandContext): Command {
  return new Command('demo').action(() => {
    ctx.exit(1);
  });
}
