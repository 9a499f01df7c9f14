/** `switchyard proto`: protobuf lint and breaking-change detection (SPEC section 8). */
import { Command } from 'commander';
import type { CommandContext } from '../../cli/io.js';

export function protoCommand(ctx: CommandContext): Command {
  return new Command('proto').description('protobuf governance: lint, breaking changes, git hook').action(() => {
    ctx.io.stderr.write('switchyard: proto is not built yet\n');
    ctx.exit(1);
  });
}
