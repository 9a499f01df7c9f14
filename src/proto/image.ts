/**
 * Reads a compiled image: a `google.protobuf.FileDescriptorSet` as written by
 * `protoc --include_imports --include_source_info -o x.binpb` or `buf build -o x.binpb`.
 * buf adds an extension (field 8042 of FileDescriptorProto, buf.alpha.image.v1.ImageFileExtension)
 * marking imports, files without a `syntax` statement and unused imports; it is decoded by hand
 * here because only those three scalar fields are needed and no generated code ships for it.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { FileDescriptorSetSchema, type FileDescriptorProto, type FileDescriptorSet } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import { SwitchyardError } from '../errors.js';

/** What buf's image extension says about one file; all false/empty for a plain descriptor set. */
export interface ImageFileInfo {
  readonly isImport: boolean;
  readonly isSyntaxUnspecified: boolean;
  /** Indexes into `dependency` of imports nothing in the file uses. */
  readonly unusedDependency: readonly number[];
}

const IMAGE_FILE_EXTENSION = 8042;

export function decodeImage(bytes: Uint8Array, source: string): FileDescriptorSet {
  try {
    return fromBinary(FileDescriptorSetSchema, bytes);
  } catch (cause) {
    throw new SwitchyardError('SY_ERR_PROTO_IMAGE', `${source} is not a FileDescriptorSet`, { cause });
  }
}

export function imageFileInfo(file: FileDescriptorProto): ImageFileInfo {
  const info = { isImport: false, isSyntaxUnspecified: false, unusedDependency: [] as number[] };
  for (const unknown of file.$unknown ?? []) {
    if (unknown.no !== IMAGE_FILE_EXTENSION || unknown.wireType !== WireType.LengthDelimited) continue;
    const reader = new BinaryReader(new BinaryReader(unknown.data).bytes());
    while (reader.pos < reader.len) {
      const [no, wireType] = reader.tag();
      if (no === 1 && wireType === WireType.Varint) info.isImport = reader.bool();
      else if (no === 3 && wireType === WireType.Varint) info.isSyntaxUnspecified = reader.bool();
      else if (no === 4 && wireType === WireType.Varint) info.unusedDependency.push(reader.int32());
      else if (no === 4 && wireType === WireType.LengthDelimited) {
        const packed = new BinaryReader(reader.bytes());
        while (packed.pos < packed.len) info.unusedDependency.push(packed.int32());
      } else reader.skip(wireType, no);
    }
  }
  return info;
}
