/**
 * The leading comment of a message, enum, field or method, from the descriptor set's
 * SourceCodeInfo, for the OpenAPI descriptions (grpc-gateway's generator uses them the same way).
 * Elements are addressed by descriptor.proto's field numbers: FileDescriptorProto message_type 4,
 * enum_type 5, service 6; DescriptorProto field 2, nested_type 3, enum_type 4; ServiceDescriptorProto
 * method 2.
 */
import type { DescEnum, DescField, DescFile, DescMessage, DescMethod } from '@bufbuild/protobuf';
import { SourceIndex } from '../../../proto/source-info.js';

export type Commented = DescMessage | DescEnum | DescField | DescMethod;

export class ProtoComments {
  readonly #indexes = new Map<DescFile, SourceIndex>();

  /** The comment's text, each line trimmed, or undefined when there is none. */
  of(desc: Commented): string | undefined {
    const file = fileOf(desc);
    let index = this.#indexes.get(file);
    if (index === undefined) this.#indexes.set(file, (index = new SourceIndex(file.proto)));
    const text = index
      .get(pathOf(desc))
      ?.leadingComments.split('\n')
      .map((line) => line.trim())
      .join('\n')
      .trim();
    return text === undefined || text === '' ? undefined : text;
  }
}

function fileOf(desc: Commented): DescFile {
  switch (desc.kind) {
    case 'field':
      return desc.parent.file;
    case 'rpc':
      return desc.parent.file;
    default:
      return desc.file;
  }
}

function pathOf(desc: Commented): number[] {
  switch (desc.kind) {
    case 'message':
      return desc.parent === undefined ? [4, desc.file.proto.messageType.indexOf(desc.proto)] : [...pathOf(desc.parent), 3, desc.parent.proto.nestedType.indexOf(desc.proto)];
    case 'enum':
      return desc.parent === undefined ? [5, desc.file.proto.enumType.indexOf(desc.proto)] : [...pathOf(desc.parent), 4, desc.parent.proto.enumType.indexOf(desc.proto)];
    case 'field':
      return [...pathOf(desc.parent), 2, desc.parent.proto.field.indexOf(desc.proto)];
    case 'rpc':
      return [6, desc.parent.file.proto.service.indexOf(desc.parent.proto), 2, desc.parent.proto.method.indexOf(desc.proto)];
  }
}
