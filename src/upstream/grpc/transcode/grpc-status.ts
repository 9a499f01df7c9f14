/**
 * gRPC statuses on a transcoded route: the HTTP status grpc-gateway v2 gives each code
 * (runtime/errors.go HTTPStatusFromCode), the codes' names (google/rpc/code.proto), and
 * `grpc-status-details-bin` decoded as a google.rpc.Status whose `details` (Any) are printed as
 * proto3 JSON with their `@type`, resolved through the upstream's own descriptors.
 */
import { fromBinary, toJson, type JsonValue, type Registry } from '@bufbuild/protobuf';
import { AnySchema } from '@bufbuild/protobuf/wkt';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

const GRPC_CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

// runtime/errors.go HTTPStatusFromCode, index = code. CANCELLED is 499 (nginx's "client closed
// request"), as current grpc-gateway v2 answers; its older releases gave 408.
const HTTP_STATUS = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401] as const;

/** The HTTP status of a gRPC code; an unknown code is 500, as grpc-gateway logs and answers. */
export function httpStatusFromCode(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

export function codeName(code: number): string {
  return GRPC_CODE_NAMES[code] ?? `CODE_${code}`;
}

export interface DecodedStatus {
  readonly code: number;
  readonly message: string;
  /** Each detail as proto3 JSON with `@type`; one whose type the descriptors lack keeps its bytes as base64 `value`. */
  readonly details: JsonValue[];
}

/**
 * A serialized google.rpc.Status (code = 1, message = 2, repeated Any details = 3), read with the
 * wire reader so that it decodes whether or not the upstream's descriptors hold google/rpc. A
 * malformed one yields undefined (the caller keeps grpc-status and grpc-message).
 */
export function decodeStatusDetails(bytes: Uint8Array, registry: Registry): DecodedStatus | undefined {
  try {
    const reader = new BinaryReader(bytes);
    let code = 0;
    let message = '';
    const details: JsonValue[] = [];
    while (reader.pos < reader.len) {
      const [field, wire] = reader.tag();
      if (field === 1 && wire === WireType.Varint) code = reader.int32();
      else if (field === 2 && wire === WireType.LengthDelimited) message = reader.string();
      else if (field === 3 && wire === WireType.LengthDelimited) details.push(anyToJson(reader.bytes(), registry));
      else reader.skip(wire);
    }
    return { code, message, details };
  } catch {
    return undefined;
  }
}

function anyToJson(bytes: Uint8Array, registry: Registry): JsonValue {
  const any = fromBinary(AnySchema, bytes);
  try {
    return toJson(AnySchema, any, { registry, alwaysEmitImplicit: true });
  } catch {
    return { '@type': any.typeUrl, value: Buffer.from(any.value).toString('base64') };
  }
}
