/**
 * `contract openapi --proto FILE... -I DIR...`: compiles the files with the project's protobuf
 * compiler (google/api built in), reads their services' `google.api.http` bindings and writes the
 * transcoded routes as OpenAPI 3.1 paths with the messages as component schemas. Like protoc,
 * each FILE must lie under one of the -I directories (the working directory when none is given),
 * and its import path is its path below that directory.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { compileModules } from '../../../proto/compile.js';
import { toPosix } from '../../../proto/posix-path.js';
import { SwitchyardError } from '../../../errors.js';
import { openApiDocument } from '../openapi/document.js';
import type { OpenApiDocument } from '../openapi/schema.js';
import { ProtoComments } from './comments.js';
import { httpBindings } from './http-rules.js';
import { MessageSchemas } from './message-schemas.js';
import { hasBareWildcard, operationOf, STATUS_SCHEMA, statusSchema } from './operations.js';

export interface ProtoInput {
  readonly files: readonly string[];
  readonly includes: readonly string[];
  readonly cwd: string;
  readonly info: { readonly title: string; readonly version: string };
  /** Told about each binding that is left out, with why. */
  readonly warn: (message: string) => void;
}

/** OpenAPI 3.1 §4.8.9: the methods a Path Item can hold. */
const OPENAPI_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

export async function openApiFromProto(input: ProtoInput): Promise<OpenApiDocument> {
  const includes = input.includes.length === 0 ? ['.'] : input.includes;
  const roots = includes.map((dir) => resolve(input.cwd, dir));
  for (const [i, root] of roots.entries()) if (!existsSync(root)) throw new SwitchyardError('SY_ERR_FILE_NOT_FOUND', `-I ${includes[i]}: no such directory`);
  const importPaths = input.files.map((file) => {
    const absolute = resolve(input.cwd, file);
    if (!existsSync(absolute)) throw new SwitchyardError('SY_ERR_FILE_NOT_FOUND', `${file}: no such file`);
    for (const root of roots) {
      const rel = relative(root, absolute);
      if (!rel.startsWith('..') && !isAbsolute(rel)) return toPosix(rel);
    }
    throw new SwitchyardError('SY_ERR_CLI_USAGE', `contract openapi: ${file} is not under any -I directory (${includes.join(', ')})`);
  });
  // Only the named files (with their imports) are compiled, so unrelated files under -I never have to.
  const compiled = await compileModules(includes, { cwd: input.cwd, filter: { paths: input.files, excludePaths: [] } });
  const comments = new ProtoComments();
  const schemas = new MessageSchemas(comments);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const binding of httpBindings(toBinary(FileDescriptorSetSchema, compiled.set), importPaths)) {
    const where = `${binding.method.parent.typeName}.${binding.method.name} (${binding.httpMethod.toUpperCase()} ${binding.template.source})`;
    if (!OPENAPI_METHODS.has(binding.httpMethod)) {
      input.warn(`${where}: OpenAPI has no method '${binding.httpMethod}'; left out`);
      continue;
    }
    if (hasBareWildcard(binding)) {
      input.warn(`${where}: a '*' or '**' outside a variable has no OpenAPI path spelling; left out`);
      continue;
    }
    const { path, httpMethod, operation } = operationOf(binding, schemas, comments);
    const item = (paths[path] ??= {});
    const earlier = item[httpMethod] as { operationId: string; 'x-path-template': string } | undefined;
    if (earlier !== undefined && earlier['x-path-template'] !== binding.template.source) {
      // `{name=shelves/*}` and `{name=shelves/*/books/*}` are both `{name}` to OpenAPI.
      input.warn(`${where}: OpenAPI spells it ${httpMethod.toUpperCase()} ${path} as it does ${earlier.operationId} (${earlier['x-path-template']}); left out`);
      continue;
    }
    // The same template twice: grpc-gateway's router tries the last registered first, so the last answers.
    if (earlier !== undefined) input.warn(`${where}: ${httpMethod.toUpperCase()} ${path} is bound by ${earlier.operationId} too; the last binding answers, as in grpc-gateway`);
    item[httpMethod] = operation;
  }
  if (Object.keys(paths).length > 0) schemas.components[STATUS_SCHEMA] = statusSchema();
  return openApiDocument(input.info, schemas.components, paths);
}
