/**
 * The `type: grpc` upstream block of switchyard.yaml turned into GrpcUpstreamConfig. Endpoints
 * and the cluster keys go through the http upstream's normalisers (the cluster is the same);
 * what is gRPC's own — the health check by grpc.health.v1, `proto`, the transcoding options —
 * is read here. The descriptors themselves are loaded afterwards, asynchronously, by
 * src/upstream/grpc/descriptors.ts (a compiler run or a reflection call cannot happen here).
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { defaults } from './defaults.js';
import { parseDuration } from './units.js';
import type { ErrorCode } from '../errors.js';
import { normalizeClusterKeys, normalizeEndpoints, normalizeTls } from './normalize-http.js';
import type { GrpcHealthCheckConfig, GrpcProtoSource, GrpcUpstreamConfig } from './types.js';

type Raw = Record<string, unknown>;
type Fail = (code: ErrorCode, segments: (string | number)[], message: string) => void;

/** An empty google.protobuf.FileDescriptorSet: what `descriptors` holds until they are loaded. */
export const NO_DESCRIPTORS: Uint8Array = new Uint8Array(0);

export function normalizeGrpcUpstream(name: string, value: Raw, at: (string | number)[], fail: Fail, baseDir: string): GrpcUpstreamConfig {
  const d = defaults.grpc;
  const endpoints = normalizeEndpoints(value, at, fail);
  const cluster = normalizeClusterKeys(value, endpoints, at, fail);
  const retryRaw = (value['retry'] ?? {}) as Raw;
  const retry = retryRaw['retryOn'] === undefined ? { ...cluster.retry, retryOn: [...d.retry.retryOn] } : cluster.retry;

  const hc = value['healthCheck'] as Raw | undefined;
  const healthCheck: GrpcHealthCheckConfig | undefined =
    hc === undefined
      ? undefined
      : {
          service: (hc['service'] as string | undefined) ?? d.healthCheck.service,
          interval: parseDuration(hc['interval']) ?? d.healthCheck.interval,
          timeout: parseDuration(hc['timeout']) ?? d.healthCheck.timeout,
          healthyThreshold: (hc['healthyThreshold'] as number | undefined) ?? d.healthCheck.healthyThreshold,
          unhealthyThreshold: (hc['unhealthyThreshold'] as number | undefined) ?? d.healthCheck.unhealthyThreshold,
        };

  const timeouts = (value['timeouts'] ?? {}) as Raw;
  const json = (value['json'] ?? {}) as Raw;
  const proto = protoSource(value['proto'] as Raw | undefined, at, fail, baseDir);
  const transcode = (value['transcode'] as boolean | undefined) ?? false;
  if (transcode && proto === undefined) fail('SY_ERR_CONFIG_UPSTREAM', [...at, 'transcode'], 'transcode needs the service descriptors: set proto (files, descriptorSet or reflection)');

  return {
    type: 'grpc',
    name,
    endpoints,
    ...cluster,
    retry,
    healthCheck,
    timeouts: {
      connect: parseDuration(timeouts['connect']) ?? d.timeouts.connect,
      idle: parseDuration(timeouts['idle']) ?? d.timeouts.idle,
      total: parseDuration(timeouts['total']) ?? d.timeouts.total,
    },
    tls: normalizeTls(value['tls'] as Raw | undefined, endpoints, [...at, 'tls'], fail, baseDir),
    proto,
    descriptors: NO_DESCRIPTORS,
    transcode,
    json: {
      emitUnpopulated: (json['emitUnpopulated'] as boolean | undefined) ?? d.json.emitUnpopulated,
      useProtoNames: (json['useProtoNames'] as boolean | undefined) ?? d.json.useProtoNames,
      useEnumNumbers: (json['useEnumNumbers'] as boolean | undefined) ?? d.json.useEnumNumbers,
    },
    unknownQueryParameters: (value['unknownQueryParameters'] as 'ignore' | 'reject' | undefined) ?? d.unknownQueryParameters,
  };
}

function protoSource(raw: Raw | undefined, at: (string | number)[], fail: Fail, baseDir: string): GrpcProtoSource | undefined {
  if (raw === undefined) return undefined;
  if (raw['reflection'] === true) return { kind: 'reflection' };
  if (typeof raw['descriptorSet'] === 'string') return { kind: 'descriptorSet', file: resolve(baseDir, raw['descriptorSet']) };
  const importPaths = ((raw['importPaths'] as string[] | undefined) ?? ['.']).map((p) => resolve(baseDir, p));
  // protoc's rule: a file is named relative to an import path; also accepted relative to the config file.
  let missing = false;
  const files = (raw['files'] as string[]).map((f, i) => {
    const candidates = [resolve(baseDir, f), ...importPaths.map((p) => resolve(p, f))];
    const found = candidates.find((c) => existsSync(c) && importPaths.some((p) => !relative(p, c).startsWith('..')));
    if (found === undefined) {
      const exists = candidates.find((c) => existsSync(c));
      fail('SY_ERR_CONFIG_UPSTREAM', [...at, 'proto', 'files', i], exists === undefined ? `${f} is not found in the config's directory nor in an import path` : `${exists} is not inside an import path (${importPaths.join(', ')})`);
      missing = true;
    }
    return found ?? resolve(baseDir, f);
  });
  // Nothing to compile when a file is missing: the problem above is the one to report.
  return missing ? undefined : { kind: 'files', files, importPaths };
}
