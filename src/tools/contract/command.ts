/** `switchyard contract`: OpenAPI from TypeScript types or proto bindings, typed clients (SPEC section 9). */
import { Command } from 'commander';
import type { CommandContext } from '../../cli/io.js';
import { clientCommand } from './client-command.js';
import { openApiCommand } from './openapi-command.js';

export function contractCommand(ctx: CommandContext): Command {
  return new Command('contract')
    .description('typed contracts: OpenAPI from TypeScript or .proto, typed fetch clients from OpenAPI')
    .addCommand(openApiCommand(ctx))
    .addCommand(clientCommand(ctx));
}
