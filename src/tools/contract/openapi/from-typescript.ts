/**
 * JSON Schema (draft-07) for named TypeScript types, from ts-json-schema-generator: the mapping
 * tsoa and other TypeScript tools use, so a team gets the schemas it already knows. The generator
 * brings its own TypeScript 5 (the project itself compiles with TypeScript 7, whose compiler has
 * no JavaScript API); this module is the only one that loads it. Its errors become one line each.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import generator from 'ts-json-schema-generator';
import { SwitchyardError } from '../../../errors.js';
import type { JsonSchema } from './schema.js';

export interface TypeScriptInput {
  /** The .ts file holding the types. */
  readonly file: string;
  /** Exported interface, type alias or enum names. */
  readonly types: readonly string[];
  /** A tsconfig.json whose compiler options apply (default: the generator's own). */
  readonly tsconfig?: string;
  readonly cwd: string;
  /** Told after the program is built and after each type: `done` of `total` steps. */
  readonly progress?: (done: number, total: number) => void;
}

/** `definitions` of every named type and all they reference, in the generator's order. */
export function definitionsFromTypeScript(input: TypeScriptInput): Record<string, JsonSchema> {
  const file = resolve(input.cwd, input.file);
  if (!existsSync(file)) throw new SwitchyardError('SY_ERR_FILE_NOT_FOUND', `${input.file}: no such file`);
  const tsconfig = input.tsconfig === undefined ? undefined : resolve(input.cwd, input.tsconfig);
  if (tsconfig !== undefined && !existsSync(tsconfig)) throw new SwitchyardError('SY_ERR_FILE_NOT_FOUND', `${input.tsconfig}: no such file`);
  const shown = (path: string): string => relative(input.cwd, path) || path;
  try {
    // The generator's defaults are its CLI's: exported types only, JSDoc annotations read,
    // objects closed (additionalProperties false) unless they declare an index signature.
    const total = input.types.length + 1;
    input.progress?.(0, total);
    // What createGenerator does, keeping the program to explain a name it cannot find.
    const config = { ...generator.DEFAULT_CONFIG, path: file, ...(tsconfig === undefined ? {} : { tsconfig }) };
    const program = generator.createProgram(config);
    const schemaGenerator = new generator.SchemaGenerator(program, generator.createParser(program, config), generator.createFormatter(config), config);
    input.progress?.(1, total);
    const definitions: Record<string, JsonSchema> = {};
    for (const [i, name] of input.types.entries()) {
      let schema;
      try {
        schema = schemaGenerator.createSchema(name);
      } catch (err) {
        if (err instanceof generator.RootlessError) {
          const message = isGeneric(program.getSourceFile(file)?.statements ?? [], name)
            ? `${shown(file)}: "${name}" is generic and needs type arguments; export an alias such as type ${name}OfX = ${name}<X> and name that`
            : `${shown(file)} exports no interface, type alias or enum named "${name}"`;
          throw new SwitchyardError('SY_ERR_CONTRACT_TYPE_NOT_FOUND', message);
        }
        throw err;
      }
      Object.assign(definitions, schema.definitions as Record<string, JsonSchema>);
      input.progress?.(i + 2, total);
    }
    return definitions;
  } catch (err) {
    if (err instanceof generator.BaseError) throw fromGeneratorError(err, shown);
    throw err;
  }
}

/** Whether the file declares `name` with type parameters (the generator only writes concrete types). */
function isGeneric(statements: readonly unknown[], name: string): boolean {
  return statements.some((statement) => {
    const node = statement as { name?: { text?: string }; typeParameters?: readonly unknown[] };
    return node.name?.text === name && (node.typeParameters?.length ?? 0) > 0;
  });
}

interface Diagnostic {
  readonly file?: { readonly fileName: string; getLineAndCharacterOfPosition(pos: number): { line: number; character: number } } | undefined;
  readonly start?: number | undefined;
  readonly code?: number | string;
  readonly messageText: string | MessageChain;
  readonly relatedInformation?: readonly Diagnostic[] | undefined;
}

interface MessageChain {
  readonly messageText: string;
  readonly next?: readonly MessageChain[];
}

function fromGeneratorError(err: InstanceType<typeof generator.BaseError>, shown: (path: string) => string): SwitchyardError {
  const diagnostic = err.diagnostic as Diagnostic;
  const related = diagnostic.relatedInformation ?? [];
  const first = related[0];
  if (first !== undefined) {
    // "Type check error": the program's own diagnostics ride in relatedInformation.
    const more = related.length > 1 ? ` (and ${related.length - 1} more)` : '';
    return new SwitchyardError('SY_ERR_CONTRACT_TYPESCRIPT', `${where(first, shown)}${flatten(first.messageText)} (TS${String(first.code)})${more}`);
  }
  return new SwitchyardError('SY_ERR_CONTRACT_SCHEMA', `${where(diagnostic, shown)}${flatten(diagnostic.messageText)}`);
}

function where(diagnostic: Diagnostic, shown: (path: string) => string): string {
  if (diagnostic.file === undefined || diagnostic.start === undefined) return '';
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${shown(diagnostic.file.fileName)}:${line + 1}:${character + 1}: `;
}

/** The first line of TypeScript's message chain, as `tsc` prints it first. */
function flatten(text: string | MessageChain): string {
  return typeof text === 'string' ? text : text.messageText;
}
