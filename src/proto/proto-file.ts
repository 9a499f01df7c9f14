/** The loader's output: compiled files with their positions, ready for lint, breaking and gRPC. */
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type { ImageFileInfo } from './image.js';
import type { SourceIndex } from './source-info.js';

export interface ProtoFile {
  /** The import path, e.g. `acme/orders/v1/orders.proto`. */
  readonly name: string;
  /** How findings name the file: the path on disk relative to the working directory, or `name` for images. */
  readonly displayPath: string;
  readonly proto: FileDescriptorProto;
  readonly info: ImageFileInfo;
  readonly source: SourceIndex;
}

/** A compile error at a position, printed `file:line:col: message` as protoc prints them. */
export interface CompileDiagnostic {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** Where the offending text ends, when the compiler says (buf does); else the start. */
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly message: string;
}
