/**
 * A typed fetch client as one TypeScript file: the types openapi-typescript writes for the
 * document (`paths`, `components`, `operations`, exported under its names), a table of each
 * operation's method and path, and the small runtime from runtime-source.ts. openapi-typescript 6
 * is used because it needs no TypeScript of its own (7.x has a peer dependency on TypeScript 5,
 * which cannot sit beside the project's TypeScript 7 without forcing npm).
 */
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS from 'openapi-typescript';
import { SwitchyardError } from '../../../errors.js';
import type { OpenApiInput } from './read-openapi.js';
import { RUNTIME_SOURCE } from './runtime-source.js';

export async function generateClient(input: OpenApiInput, file: string, cwd: string): Promise<string> {
  const header = [
    '/**',
    ` * Typed client for ${file}, written by \`switchyard contract client\`. Do not edit: generate it again.`,
    ' * Types: openapi-typescript. Runtime: createClient({ baseUrl, fetch?, headers? }), one method per operationId.',
    ' */',
    '',
  ].join('\n');
  let types: string;
  try {
    types = await openapiTS(structuredClone(input.document) as unknown as Parameters<typeof openapiTS>[0], {
      commentHeader: header,
      silent: true,
      // External references resolve beside the document.
      cwd: pathToFileURL(`${dirname(resolve(cwd, file))}/`),
    });
  } catch (err) {
    throw new SwitchyardError('SY_ERR_CONTRACT_OPENAPI', `${file}: ${(err as Error).message}`, { cause: err });
  }
  const table = input.operations
    .map((op) => `  ${JSON.stringify(op.operationId)}: { method: ${JSON.stringify(op.method)}, path: ${JSON.stringify(op.path)}${op.mediaType === undefined ? '' : `, mediaType: ${JSON.stringify(op.mediaType)}`} },`)
    .join('\n');
  return `${types}\n/** Each operation's method, path template and request media type. */\nconst operationTable = {\n${table}\n} as const;\n${RUNTIME_SOURCE}`;
}
