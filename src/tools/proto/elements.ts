/**
 * Flattens a file's descriptors into lists of elements (messages, fields, enums, values,
 * services, methods, oneofs), each with its fully-qualified name and SourceCodeInfo path,
 * so lint and breaking rules are simple loops.
 */
import type {
  DescriptorProto,
  EnumDescriptorProto,
  EnumValueDescriptorProto,
  FieldDescriptorProto,
  MethodDescriptorProto,
  OneofDescriptorProto,
  ServiceDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import type { ProtoFile } from '../../proto/proto-file.js';
import { ENUM, FILE, MESSAGE, SERVICE } from './descriptor-paths.js';

export interface Element<T> {
  readonly file: ProtoFile;
  readonly desc: T;
  /** Fully-qualified name without the leading dot, e.g. `acme.v1.Order.Line`. */
  readonly fullName: string;
  readonly path: readonly number[];
}

export interface MessageElement extends Element<DescriptorProto> {
  readonly isMapEntry: boolean;
}
export interface FieldElement extends Element<FieldDescriptorProto> {
  readonly kind: 'field';
  readonly message: MessageElement;
}
export interface ExtensionElement extends Element<FieldDescriptorProto> {
  readonly kind: 'extension';
}
export interface OneofElement extends Element<OneofDescriptorProto> {
  readonly message: MessageElement;
  readonly index: number;
}
export interface EnumElement extends Element<EnumDescriptorProto> {}
export interface EnumValueElement extends Element<EnumValueDescriptorProto> {
  readonly enum: EnumElement;
}
export interface ServiceElement extends Element<ServiceDescriptorProto> {}
export interface MethodElement extends Element<MethodDescriptorProto> {
  readonly service: ServiceElement;
}

export interface FileElements {
  readonly messages: MessageElement[];
  readonly fields: FieldElement[];
  readonly extensions: ExtensionElement[];
  readonly oneofs: OneofElement[];
  readonly enums: EnumElement[];
  readonly enumValues: EnumValueElement[];
  readonly services: ServiceElement[];
  readonly methods: MethodElement[];
}

const cache = new WeakMap<ProtoFile, FileElements>();

export function elementsOf(file: ProtoFile): FileElements {
  const hit = cache.get(file);
  if (hit !== undefined) return hit;
  const out: FileElements = { messages: [], fields: [], extensions: [], oneofs: [], enums: [], enumValues: [], services: [], methods: [] };
  const pkg = file.proto.package ?? '';
  const qualify = (scope: string, name: string): string => (scope === '' ? name : `${scope}.${name}`);

  const addEnum = (desc: EnumDescriptorProto, scope: string, path: number[]): void => {
    const en: EnumElement = { file, desc, fullName: qualify(scope, desc.name ?? ''), path };
    out.enums.push(en);
    desc.value.forEach((v, i) => {
      // Enum values are scoped as siblings of their enum (C++ scoping rules).
      out.enumValues.push({ file, desc: v, fullName: qualify(scope, v.name ?? ''), path: [...path, ENUM.value, i], enum: en });
    });
  };
  const addMessage = (desc: DescriptorProto, scope: string, path: number[]): void => {
    const msg: MessageElement = { file, desc, fullName: qualify(scope, desc.name ?? ''), path, isMapEntry: desc.options?.mapEntry === true };
    out.messages.push(msg);
    desc.field.forEach((f, i) => out.fields.push({ kind: 'field', file, desc: f, fullName: qualify(msg.fullName, f.name ?? ''), path: [...path, MESSAGE.field, i], message: msg }));
    desc.oneofDecl.forEach((o, i) => out.oneofs.push({ file, desc: o, fullName: qualify(msg.fullName, o.name ?? ''), path: [...path, MESSAGE.oneofDecl, i], message: msg, index: i }));
    desc.extension.forEach((f, i) => out.extensions.push({ kind: 'extension', file, desc: f, fullName: qualify(msg.fullName, f.name ?? ''), path: [...path, MESSAGE.extension, i] }));
    desc.nestedType.forEach((m, i) => addMessage(m, msg.fullName, [...path, MESSAGE.nestedType, i]));
    desc.enumType.forEach((e, i) => addEnum(e, msg.fullName, [...path, MESSAGE.enumType, i]));
  };

  file.proto.messageType.forEach((m, i) => addMessage(m, pkg, [FILE.messageType, i]));
  file.proto.enumType.forEach((e, i) => addEnum(e, pkg, [FILE.enumType, i]));
  file.proto.extension.forEach((f, i) => out.extensions.push({ kind: 'extension', file, desc: f, fullName: qualify(pkg, f.name ?? ''), path: [FILE.extension, i] }));
  file.proto.service.forEach((s, i) => {
    const svc: ServiceElement = { file, desc: s, fullName: qualify(pkg, s.name ?? ''), path: [FILE.service, i] };
    out.services.push(svc);
    s.method.forEach((m, j) => out.methods.push({ file, desc: m, fullName: qualify(svc.fullName, m.name ?? ''), path: [...svc.path, SERVICE.method, j], service: svc }));
  });
  cache.set(file, out);
  return out;
}
