/** `switchyard contract client OPENAPI -o client.ts`: a typed fetch client for an OpenAPI 3.x document. */
import { Command } from 'commander';
import type { CommandContext } from '../../cli/io.js';
import { writeOutput } from './openapi/document.js';
import { generateClient } from './client/generate-client.js';
import { readOpenApi } from './client/read-openapi.js';

export function clientCommand(ctx: CommandContext): Command {
  return new Command('client')
    .description('write a typed fetch client (one method per operationId) for an OpenAPI 3.x document')
    .argument('<OPENAPI>', 'OpenAPI 3.0 or 3.1 document, JSON or YAML')
    .option('-o, --output <file>', 'write here instead of stdout')
    .action(async (file: string, flags: { output?: string }) => {
      const input = await readOpenApi(file, ctx.io.cwd);
      const source = await generateClient(input, file, ctx.io.cwd);
      await writeOutput(ctx.io, source, flags.output);
      // Operations without an operationId get no method: say so rather than drop them silently.
      for (const where of input.unnamed) ctx.io.stderr.write(`switchyard: ${file}: ${where} has no operationId and gets no client method\n`);
    });
}
