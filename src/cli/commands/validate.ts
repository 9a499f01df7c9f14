/** `switchyard validate`. */
import { Command } from 'commander';
import type { CommandContext } from '../io.js';

export function validateCommand(ctx: CommandContext): Command {
  return new Command('validate').action(() => {
    ctx.exit(1);
  });
}
