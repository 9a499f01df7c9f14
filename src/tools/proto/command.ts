/** `switchyard proto`: protobuf lint and breaking-change detection (SPEC section 8). */
import { Command } from 'commander';
import type { CommandContext } from '../../cli/io.js';
import { breakingCommand } from './breaking-command.js';
import { hookCommand } from './hook-command.js';
import { lintCommand } from './lint-command.js';

export function protoCommand(ctx: CommandContext): Command {
  return new Command('proto')
    .description('protobuf governance: lint, breaking changes, git hook')
    .addCommand(lintCommand(ctx))
    .addCommand(breakingCommand(ctx))
    .addCommand(hookCommand(ctx));
}
