/**
 * proto3 JSON as grpc-gateway v2's default marshaler writes and reads it (runtime.JSONPb with
 * protojson's EmitUnpopulated on output and DiscardUnknown on input), through @bufbuild/protobuf's
 * toJson and fromJson, with the upstream's `json:` options (SPEC section 3).
 *
 * One difference is made up here: protojson's EmitUnpopulated prints an unset singular message
 * field as `null`, while @bufbuild/protobuf's alwaysEmitImplicit leaves it out (it has explicit
 * presence). `withUnsetMessages` adds those nulls; oneof members (proto3 `optional` included)
 * stay out, as protojson leaves them.
 */
import { fromJson, toJson, type DescMessage, type JsonObject, type JsonValue, type Message, type Registry } from '@bufbuild/protobuf';
import { reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import type { GrpcJsonOptions } from '../../../config/types.js';

export interface JsonCodec {
  /** JSON of `message`, as grpc-gateway would print it. */
  write(schema: DescMessage, message: Message): JsonValue;
  /** `message` from JSON; unknown fields ignored. Throws @bufbuild/protobuf's error naming the field. */
  read(schema: DescMessage, json: JsonValue): Message;
}

export function createJsonCodec(options: GrpcJsonOptions, registry: Registry): JsonCodec {
  const writeOptions = {
    alwaysEmitImplicit: options.emitUnpopulated,
    enumAsInteger: options.useEnumNumbers,
    useProtoFieldName: options.useProtoNames,
    registry,
  };
  return {
    write(schema, message) {
      const json = toJson(schema, message, writeOptions);
      if (options.emitUnpopulated) withUnsetMessages(schema, message, json, options.useProtoNames);
      return json;
    },
    read(schema, json) {
      return fromJson(schema, json, { ignoreUnknownFields: true, registry });
    },
  };
}

/** Adds `null` for every unset singular message field of `message` and the messages inside it. */
function withUnsetMessages(schema: DescMessage, message: Message, json: JsonValue | undefined, protoNames: boolean): void {
  if (schema.typeName.startsWith('google.protobuf.') || !isObject(json)) return;
  const r = reflect(schema, message);
  for (const field of schema.fields) {
    const key = protoNames ? field.name : field.jsonName;
    if (field.fieldKind === 'message') {
      if (r.isSet(field)) withUnsetMessages(field.message, r.get(field).message, json[key], protoNames);
      else if (field.oneof === undefined) json[key] = null;
    } else if (field.fieldKind === 'list' && field.listKind === 'message') {
      const out = json[key];
      if (Array.isArray(out)) [...(r.get(field) as Iterable<ReflectMessage>)].forEach((item, i) => withUnsetMessages(field.message, item.message, out[i], protoNames));
    } else if (field.fieldKind === 'map' && field.mapKind === 'message') {
      const out = json[key];
      if (isObject(out)) for (const [k, v] of r.get(field) as ReadonlyMap<unknown, ReflectMessage>) withUnsetMessages(field.message, v.message, out[String(k)], protoNames);
    }
  }
}

function isObject(json: JsonValue | undefined): json is JsonObject {
  return json !== null && typeof json === 'object' && !Array.isArray(json);
}
