/**
 * The OpenAPI 3.1 document the contract tools write, and how it is written: JSON, or YAML when the
 * output file ends in .yaml or .yml.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { SwitchyardError } from '../../../errors.js';
import type { CliIO } from '../../../cli/io.js';
import type { JsonSchema, OpenApiDocument } from './schema.js';

export function openApiDocument(
  info: { title: string; version: string },
  schemas: Record<string, JsonSchema>,
  paths: Record<string, Record<string, unknown>> = {},
): OpenApiDocument {
  return { openapi: '3.1.0', info, paths, components: { schemas } };
}

/** Writes the document to `out` (or stdout when there is none). */
export async function writeDocument(io: CliIO, document: unknown, out: string | undefined): Promise<void> {
  const yaml = out !== undefined && /\.ya?ml$/i.test(out);
  const text = yaml ? stringify(document, { aliasDuplicateObjects: false }) : `${JSON.stringify(document, null, 2)}\n`;
  await writeOutput(io, text, out);
}

export async function writeOutput(io: CliIO, text: string, out: string | undefined): Promise<void> {
  if (out === undefined) {
    io.stdout.write(text);
    return;
  }
  try {
    await writeFile(resolve(io.cwd, out), text);
  } catch (err) {
    throw new SwitchyardError('SY_ERR_FILE_UNWRITABLE', `${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}
