/** OpenAPI paths for transcoded gRPC routes (not built yet: --proto is refused with one line). */
import { SwitchyardError } from '../../../errors.js';

export async function openApiFromProto(_input: { files: string[]; includes: string[]; cwd: string; info: { title: string; version: string } }): Promise<unknown> {
  throw new SwitchyardError('SY_ERR_CLI_USAGE', 'contract openapi: --proto is not available in this build');
}
