/**
 * `switchyard contract openapi TYPES.ts --type NAME... [-o FILE]` and
 * `switchyard contract openapi --proto FILE... -I DIR... [-o FILE]`: an OpenAPI 3.1 document from
 * TypeScript types (components only) or from the `google.api.http` bindings of gRPC services
 * (paths for the transcoded routes and the messages' schemas).
 */
import { basename } from 'node:path';
import { Command } from 'commander';
import type { CommandContext } from '../../cli/io.js';
import { SwitchyardError } from '../../errors.js';
import { componentSchemas } from './openapi/draft07-to-openapi31.js';
import { openApiDocument, writeDocument } from './openapi/document.js';
import { progressOn } from '../proto/output/progress.js';

interface OpenApiFlags {
  type?: string[];
  proto?: string[];
  include: string[];
  output?: string;
  tsconfig?: string;
  title?: string;
  apiVersion: string;
}

export function openApiCommand(ctx: CommandContext): Command {
  return new Command('openapi')
    .description('write an OpenAPI 3.1 document from TypeScript types (--type) or from .proto google.api.http bindings (--proto)')
    .argument('[TYPES.ts]', 'TypeScript file exporting the types')
    .option('--type <name...>', 'exported interface, type alias or enum to include (with all it references)')
    .option('--proto <file...>', '.proto files whose services are transcoded')
    .option('-I, --include <dir...>', 'import directories for --proto (google/api is built in)', [])
    .option('--tsconfig <file>', "tsconfig.json whose compiler options apply to TYPES.ts (default: ts-json-schema-generator's)")
    .option('-o, --output <file>', 'write here instead of stdout (.yaml/.yml for YAML, else JSON)')
    .option('--title <text>', 'info.title (default: the input file name)')
    .option('--api-version <version>', 'info.version', '1.0.0')
    .action(async (file: string | undefined, flags: OpenApiFlags) => {
      if (flags.proto !== undefined) {
        if (file !== undefined || flags.type !== undefined) usage('--proto takes no TYPES.ts and no --type');
        const title = flags.title ?? basename(flags.proto[0] as string);
        // Each way loads only what it needs: TypeScript 5 and the generator, or the proto compiler.
        const { openApiFromProto } = await import('./proto/openapi-from-proto.js');
        const document = await openApiFromProto({
          files: flags.proto,
          includes: flags.include,
          cwd: ctx.io.cwd,
          info: { title, version: flags.apiVersion },
          warn: (message) => ctx.io.stderr.write(`switchyard: ${message}\n`),
        });
        await writeDocument(ctx.io, document, flags.output);
        return;
      }
      if (file === undefined) usage('name a TYPES.ts file (or --proto FILE...)');
      if (flags.type === undefined || flags.type.length === 0) usage('name at least one --type');
      // Building and type-checking the program takes seconds: a bar on a terminal, nothing on a pipe.
      const { definitionsFromTypeScript } = await import('./openapi/from-typescript.js');
      const progress = progressOn(ctx.io.stderr, 'types');
      let definitions;
      try {
        definitions = definitionsFromTypeScript({
          file,
          types: flags.type,
          cwd: ctx.io.cwd,
          progress: (done, total) => progress.update(done, total),
          ...(flags.tsconfig === undefined ? {} : { tsconfig: flags.tsconfig }),
        });
      } finally {
        progress.stop();
      }
      const document = openApiDocument({ title: flags.title ?? basename(file), version: flags.apiVersion }, componentSchemas(definitions));
      await writeDocument(ctx.io, document, flags.output);
    });
}

function usage(message: string): never {
  throw new SwitchyardError('SY_ERR_CLI_USAGE', `contract openapi: ${message}`);
}
