/**
 * Where the protobuf compiler lives. Parsing and linking `.proto` files (imports, scoping,
 * options, source info) is delegated to buf's compiler, shipped as the `@bufbuild/buf` package,
 * rather than written by hand: it is maintained, fast on big trees and reports errors with
 * exact positions. `SWITCHYARD_BUF` overrides the path (e.g. a system-wide buf); the single
 * executable needs it, having no node_modules to find the package in.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SwitchyardError } from '../errors.js';
import { inSingleExecutable } from '../runtime/resources.js';

export function bufBinary(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['SWITCHYARD_BUF'];
  if (override !== undefined && override !== '') return override;
  if (inSingleExecutable) throw new SwitchyardError('SY_ERR_PROTO_COMPILER', 'the single executable carries no protobuf compiler: set SWITCHYARD_BUF to the path of a buf binary');
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
  } catch (cause) {
    throw new SwitchyardError('SY_ERR_PROTO_COMPILER', 'the @bufbuild/buf package is not installed', { cause });
  }
}
