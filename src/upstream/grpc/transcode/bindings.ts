/**
 * The REST bindings of a grpc upstream's services: every `google.api.http` option (the extension
 * 72295728 on MethodOptions, read with @bufbuild/protobuf from the upstream's descriptor set) and
 * its `additional_bindings`, each with its HTTP method, parsed path template, `body` and
 * `response_body`. What grpc-gateway's generator would refuse (a bad template, a field that does
 * not exist, a repeated or non-message field on a template's way) is refused here, when the
 * config loads, as a list of sentences.
 *
 * Order matters: grpc-gateway registers the methods of each service in declaration order, each
 * method's bindings in order, and its ServeMux tries the last registered first ("last match
 * wins", its v2 migration guide). `bindings` keeps declaration order; the matcher walks it
 * backwards.
 */
import { createFileRegistry, fromBinary, getOption, hasOption, type DescExtension, type DescField, type DescMessage, type DescMethod, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { parsePathTemplate, type PathTemplate } from './path-template.js';

export type StreamingKind = 'unary' | 'server_streaming' | 'client_streaming' | 'bidi_streaming';

export interface Binding {
  /** GET, PUT, POST, DELETE, PATCH, or a `custom` rule's kind as written. */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  /** `*` (the whole request), a field path, or undefined (no body). */
  readonly body: '*' | readonly DescField[] | undefined;
  /** The response field written as the body; undefined: the whole response. */
  readonly responseBody: DescField | undefined;
  /** `/package.Service/Method`, the gRPC request path. */
  readonly grpcPath: string;
  readonly method: DescMethod;
  readonly streaming: StreamingKind;
  /** Template variables resolved to field paths of the request message. */
  readonly variables: readonly { readonly name: string; readonly fields: readonly DescField[] }[];
}

interface HttpRuleShape {
  pattern: { case: 'get' | 'put' | 'post' | 'delete' | 'patch'; value: string } | { case: 'custom'; value: { kind: string; path: string } } | { case: undefined };
  body: string;
  responseBody: string;
  additionalBindings: HttpRuleShape[];
}

export interface ReadBindings {
  readonly registry: FileRegistry;
  readonly bindings: readonly Binding[];
  readonly problems: readonly string[];
}

/** Decodes the descriptor set and reads every binding of every service in it. */
export function readBindings(descriptors: Uint8Array): ReadBindings {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptors));
  const bindings: Binding[] = [];
  const problems: string[] = [];
  const ext = registry.getExtension('google.api.http');
  if (ext === undefined) return { registry, bindings, problems };
  for (const file of registry.files) {
    for (const service of file.services) {
      for (const method of service.methods) {
        if (!hasOption(method, ext as DescExtension)) continue;
        const rule = getOption(method, ext as DescExtension) as unknown as HttpRuleShape;
        for (const r of [rule, ...rule.additionalBindings]) {
          const made = makeBinding(method, r);
          if (typeof made === 'string') problems.push(`${method.parent.typeName}.${method.name}: ${made}`);
          else if (made !== undefined) bindings.push(made);
        }
      }
    }
  }
  return { registry, bindings, problems };
}

function makeBinding(method: DescMethod, rule: HttpRuleShape): Binding | string | undefined {
  const pattern = rule.pattern;
  if (pattern.case === undefined) return undefined;
  const [httpMethod, path] = pattern.case === 'custom' ? [pattern.value.kind, pattern.value.path] : [pattern.case.toUpperCase(), pattern.value];
  const template = parsePathTemplate(path);
  if (typeof template === 'string') return `the path template ${template}`;
  const variables: { name: string; fields: DescField[] }[] = [];
  for (const v of template.variables) {
    const fields = resolveFieldPath(method.input, v.fieldPath);
    if (typeof fields === 'string') return `the path variable '${v.fieldPath.join('.')}' of '${path}' ${fields}`;
    const last = fields[fields.length - 1] as DescField;
    if (last.fieldKind === 'map' || last.fieldKind === 'message' && !isUrlMessage(last.message)) return `the path variable '${v.fieldPath.join('.')}' of '${path}' names a field that cannot be given in a URL`;
    variables.push({ name: v.fieldPath.join('.'), fields });
  }
  let body: Binding['body'];
  if (rule.body === '*') body = '*';
  else if (rule.body !== '') {
    const fields = resolveFieldPath(method.input, rule.body.split('.'));
    if (typeof fields === 'string') return `body '${rule.body}' ${fields}`;
    body = fields;
  }
  let responseBody: DescField | undefined;
  if (rule.responseBody !== '') {
    responseBody = method.output.fields.find((f) => f.name === rule.responseBody);
    if (responseBody === undefined) return `response_body '${rule.responseBody}' is not a field of ${method.output.typeName}`;
  }
  return {
    httpMethod,
    template,
    body,
    responseBody,
    grpcPath: `/${method.parent.typeName}/${method.name}`,
    method,
    streaming: method.methodKind,
    variables,
  };
}

/** Proto field names, each but the last a singular message field, as grpc-gateway's generator demands. */
function resolveFieldPath(message: DescMessage, path: readonly string[]): DescField[] | string {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const [i, name] of path.entries()) {
    if (current === undefined) return `goes through '${path[i - 1] ?? ''}', which is not a message field`;
    const field: DescField | undefined = current.fields.find((f) => f.name === name);
    if (field === undefined) return `is not a field of ${current.typeName}`;
    fields.push(field);
    current = field.fieldKind === 'message' ? field.message : undefined;
  }
  return fields;
}

function isUrlMessage(desc: DescMessage): boolean {
  return desc.typeName.startsWith('google.protobuf.');
}
