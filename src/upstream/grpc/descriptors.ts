/**
 * Loads a grpc upstream's service descriptors when the config loads, from one of three sources:
 * `.proto` files (compiled by the project's proto compiler, src/proto/compile.ts, with google/api,
 * google/rpc and the well-known types built in), a descriptor set file, or the endpoints' gRPC
 * server reflection. Whatever the source, the result is one serialized
 * google.protobuf.FileDescriptorSet holding every file and all its imports, dependencies first
 * and otherwise by name, without source info, so that a reload with unchanged protos gives equal
 * bytes. A failure is a config problem at the upstream's `proto` key, never a request error later.
 */
import { readFile } from 'node:fs/promises';
import { create, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import { SwitchyardError } from '../../errors.js';
import type { GatewayConfig, GrpcUpstreamConfig, UpstreamConfig } from '../../config/types.js';
import type { RawProblem } from '../../config/normalize.js';
import { compileModules } from '../../proto/compile.js';
import { formatDiagnostic, isProtoCompileError } from '../../proto/compile-error.js';
import { decodeImage } from '../../proto/image.js';
import { reflectFiles } from './reflection.js';

/** The config with every grpc upstream's `descriptors` loaded, and the problems of those that could not be. */
export async function loadGrpcDescriptors(config: GatewayConfig, baseDir: string): Promise<{ config: GatewayConfig; problems: RawProblem[] }> {
  const grpc = [...config.upstreams.values()].filter((u): u is GrpcUpstreamConfig => u.type === 'grpc' && u.proto !== undefined);
  if (grpc.length === 0) return { config, problems: [] };
  const problems: RawProblem[] = [];
  const loaded = await Promise.all(
    grpc.map(async (u) => {
      try {
        return { ...u, descriptors: await loadDescriptors(u, baseDir) };
      } catch (err) {
        const message = err instanceof SwitchyardError ? err.message : String(err);
        problems.push({ code: 'SY_ERR_CONFIG_GRPC_DESCRIPTORS', segments: ['upstreams', u.name, 'proto'], message: `upstream ${u.name}: ${message}` });
        return u;
      }
    }),
  );
  const upstreams = new Map<string, UpstreamConfig>(config.upstreams);
  for (const u of loaded) upstreams.set(u.name, u);
  return { config: { ...config, upstreams }, problems };
}

/** One upstream's descriptors as a serialized FileDescriptorSet; throws a SwitchyardError saying why not. */
export async function loadDescriptors(config: GrpcUpstreamConfig, baseDir: string): Promise<Uint8Array> {
  const proto = config.proto;
  if (proto === undefined) return new Uint8Array(0);
  switch (proto.kind) {
    case 'files': {
      try {
        const compiled = await compileModules(proto.importPaths, { cwd: baseDir, filter: { paths: proto.files, excludePaths: [] } });
        return serializeFiles(compiled.set.file);
      } catch (err) {
        if (isProtoCompileError(err)) throw new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', `the protos do not compile: ${err.diagnostics.map(formatDiagnostic).join('; ')}`, { cause: err });
        throw err;
      }
    }
    case 'descriptorSet': {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(proto.file);
      } catch (err) {
        throw new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', `cannot read descriptor set ${proto.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
      }
      const set = decodeImage(bytes, proto.file);
      checkComplete(set.file, proto.file);
      return serializeFiles(set.file);
    }
    case 'reflection':
      return serializeFiles(await reflectFiles(config));
  }
}

/** Every import must be in the set: a set written without --include_imports cannot be used. */
function checkComplete(files: readonly FileDescriptorProto[], source: string): void {
  const names = new Set(files.map((f) => f.name));
  for (const f of files) {
    const missing = f.dependency.find((d) => !names.has(d));
    if (missing !== undefined) throw new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', `${source}: ${f.name} imports ${missing}, which the set does not hold (build it with its imports: protoc --include_imports, or buf build)`);
  }
}

/** Files in a stable order (dependencies first, then by name), source info and buf's image extension dropped. */
export function serializeFiles(files: readonly FileDescriptorProto[]): Uint8Array {
  const byName = new Map(files.map((f) => [f.name, f]));
  const ordered: FileDescriptorProto[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    const f = byName.get(name);
    if (f === undefined || seen.has(name)) return;
    seen.add(name);
    for (const d of [...f.dependency].sort()) visit(d);
    ordered.push({ ...f, sourceCodeInfo: undefined, $unknown: undefined } as FileDescriptorProto);
  };
  for (const name of [...byName.keys()].sort()) visit(name);
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: ordered }));
}
