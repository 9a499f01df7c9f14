/**
 * JSON Schema for protobuf messages as their proto3 JSON mapping writes them
 * (protobuf.dev/programming-guides/json), with grpc-gateway's openapiv2 choices where the mapping
 * leaves one: field names are the lowerCamel `json_name`; 64-bit integers are strings
 * (format int64 / uint64), uint32 and fixed32 `integer` format int64; bytes are base64 strings;
 * enums are string enums of their value names. Well-known types are inlined as their JSON form:
 * Timestamp a date-time string, Duration and FieldMask strings, wrappers their scalar or null,
 * Struct an object, Value anything, ListValue an array, Empty an object, Any an object with
 * `@type`. Messages and enums are components named by their full proto name (`acme.v1.Book`),
 * which OpenAPI's component-name rule allows and which two packages cannot share.
 */
import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { wrapperScalars } from '../../../proto/wrapper-types.js';
import type { JsonSchema } from '../openapi/schema.js';
import type { ProtoComments } from './comments.js';

const REF = '#/components/schemas/';

/** Collects the components that the schemas handed out refer to. */
export class MessageSchemas {
  readonly components: Record<string, JsonSchema> = {};
  readonly #comments: ProtoComments | undefined;
  #pending = new Set<string>();

  /** With `comments`, messages, enums and fields carry their leading comment as `description`. */
  constructor(comments?: ProtoComments) {
    this.#comments = comments;
  }

  /** The schema of a message as a field or body type: a well-known type inline, else a reference. */
  message(desc: DescMessage): JsonSchema {
    const known = wellKnown(desc.typeName);
    if (known !== undefined) return known;
    this.#define(desc.typeName, () => this.#described(this.object(desc.fields), this.#comments?.of(desc)));
    return { $ref: REF + desc.typeName };
  }

  /** An object schema with these fields (a message, or what of it a body carries). */
  object(fields: readonly DescField[], title?: string): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const field of fields) properties[field.jsonName] = this.#described(this.field(field), this.#comments?.of(field));
    return { type: 'object', ...(title === undefined ? {} : { title }), properties };
  }

  /**
   * A field as a member of a JSON object. A singular message field may be `null`: the gateway,
   * like grpc-gateway, prints an unset one as `null` (`json.emitUnpopulated`, on by default),
   * and proto3 JSON parsers take `null` for any field as its default.
   */
  field(field: DescField): JsonSchema {
    const schema = this.value(field);
    return field.fieldKind === 'message' ? nullable(schema) : schema;
  }

  /** A field's value where it cannot be null: a path or query parameter, a field body. */
  value(field: DescField): JsonSchema {
    switch (field.fieldKind) {
      case 'scalar':
        return scalar(field.scalar);
      case 'enum':
        return this.#enum(field.enum);
      case 'message':
        return this.message(field.message);
      case 'list':
        return { type: 'array', items: field.listKind === 'scalar' ? scalar(field.scalar) : field.listKind === 'enum' ? this.#enum(field.enum) : this.message(field.message) };
      case 'map': {
        const values = field.mapKind === 'scalar' ? scalar(field.scalar) : field.mapKind === 'enum' ? this.#enum(field.enum) : this.message(field.message);
        // proto3 JSON: map keys are always JSON strings.
        return { type: 'object', additionalProperties: values };
      }
    }
  }

  #enum(desc: DescEnum): JsonSchema {
    if (desc.typeName === 'google.protobuf.NullValue') return { type: 'null' };
    this.#define(desc.typeName, () => this.#described({ type: 'string', enum: desc.values.map((v) => v.name) }, this.#comments?.of(desc)));
    return { $ref: REF + desc.typeName };
  }

  #described(schema: JsonSchema, description: string | undefined): JsonSchema {
    return description === undefined ? schema : { ...schema, description };
  }

  #define(name: string, make: () => JsonSchema): void {
    if (name in this.components || this.#pending.has(name)) return;
    // Marked before it is made, so a message that contains itself refers to itself.
    this.#pending.add(name);
    this.components[name] = make();
    this.#pending.delete(name);
  }
}

function nullable(schema: JsonSchema): JsonSchema {
  if (typeof schema.$ref === 'string') return { anyOf: [schema, { type: 'null' }] };
  const type = schema.type;
  if (typeof type === 'string') return { ...schema, type: [type, 'null'] };
  // Already nullable (wrappers) or anything at all (Value).
  return schema;
}

export function scalar(type: ScalarType): JsonSchema {
  switch (type) {
    case ScalarType.DOUBLE:
      return { type: 'number', format: 'double' };
    case ScalarType.FLOAT:
      return { type: 'number', format: 'float' };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: 'integer', format: 'int32' };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: 'integer', format: 'int64' };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: 'string', format: 'int64' };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: 'string', format: 'uint64' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BYTES:
      return { type: 'string', format: 'byte' };
  }
}

/** The JSON form of a well-known type, or undefined for any other message. */
export function wellKnown(typeName: string): JsonSchema | undefined {
  const wrapped = wrapperScalars[typeName];
  if (wrapped !== undefined) {
    const s = scalar(wrapped);
    return { ...s, type: [s.type, 'null'] };
  }
  switch (typeName) {
    case 'google.protobuf.Timestamp':
      return { type: 'string', format: 'date-time' };
    case 'google.protobuf.Duration':
      // proto3 JSON: seconds with up to 9 fractional digits and an 's' suffix ("1.5s").
      return { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$' };
    case 'google.protobuf.FieldMask':
      // proto3 JSON: the paths in lowerCamel, comma-separated ("title,author.name").
      return { type: 'string' };
    case 'google.protobuf.Struct':
      return { type: 'object', additionalProperties: true };
    case 'google.protobuf.Value':
      return {};
    case 'google.protobuf.ListValue':
      return { type: 'array', items: {} };
    case 'google.protobuf.Empty':
      return { type: 'object' };
    case 'google.protobuf.Any':
      return { type: 'object', properties: { '@type': { type: 'string' } }, additionalProperties: true };
    default:
      return undefined;
  }
}
