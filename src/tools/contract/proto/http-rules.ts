/**
 * The `google.api.http` bindings of the services in chosen files, read from a compiled
 * descriptor set with @bufbuild/protobuf: each rule and its `additional_bindings` in declaration
 * order (the order grpc-gateway numbers operation ids in), with the path template parsed by the
 * transcoder's own parser and its variables and body resolved to request fields.
 */
import { getOption, hasOption, type DescExtension, type DescField, type DescMessage, type DescMethod, type FileRegistry } from '@bufbuild/protobuf';
import { SwitchyardError } from '../../../errors.js';
import { parsePathTemplate, type PathTemplate } from '../../../upstream/grpc/transcode/path-template.js';

export interface HttpBinding {
  readonly method: DescMethod;
  /** 0 for the rule itself, 1... for its additional bindings. */
  readonly index: number;
  /** `get`, `post`..., or a `custom` rule's kind lowercased. */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  /** Each template variable's request fields, outermost first. */
  readonly variables: readonly (readonly DescField[])[];
  /** `*`, the request fields of a field body, or undefined for none. */
  readonly body: '*' | readonly DescField[] | undefined;
  /** The response field sent as the body, or undefined for the whole response. */
  readonly responseBody: DescField | undefined;
}

interface HttpRuleShape {
  readonly pattern: { case: 'get' | 'put' | 'post' | 'delete' | 'patch'; value: string } | { case: 'custom'; value: { kind: string; path: string } } | { case: undefined };
  readonly body: string;
  readonly responseBody: string;
  readonly additionalBindings: readonly HttpRuleShape[];
}

/** Every binding of every service declared in `files` (proto import paths). */
export function httpBindings(registry: FileRegistry, files: readonly string[]): HttpBinding[] {
  const ext = registry.getExtension('google.api.http') as DescExtension | undefined;
  const out: HttpBinding[] = [];
  if (ext === undefined) return out;
  for (const name of files) {
    const file = registry.getFile(name);
    if (file === undefined) continue;
    for (const service of file.services) {
      for (const method of service.methods) {
        if (!hasOption(method, ext)) continue;
        const rule = getOption(method, ext) as unknown as HttpRuleShape;
        [rule, ...rule.additionalBindings].forEach((r, index) => {
          const binding = readRule(method, r, index);
          if (binding !== undefined) out.push(binding);
        });
      }
    }
  }
  return out;
}

function readRule(method: DescMethod, rule: HttpRuleShape, index: number): HttpBinding | undefined {
  const { pattern } = rule;
  if (pattern.case === undefined) return undefined;
  const [httpMethod, path] = pattern.case === 'custom' ? [pattern.value.kind.toLowerCase(), pattern.value.path] : [pattern.case, pattern.value];
  const where = `${method.parent.typeName}.${method.name}`;
  const template = parsePathTemplate(path);
  if (typeof template === 'string') throw bad(`${where}: the path template ${template}`);
  const variables = template.variables.map((v) => fieldPath(method.input, v.fieldPath, `${where}: the path variable '${v.fieldPath.join('.')}' of '${path}'`));
  let body: HttpBinding['body'];
  if (rule.body === '*') body = '*';
  else if (rule.body !== '') body = fieldPath(method.input, rule.body.split('.'), `${where}: body '${rule.body}'`);
  let responseBody: DescField | undefined;
  if (rule.responseBody !== '') {
    responseBody = method.output.fields.find((f) => f.name === rule.responseBody);
    if (responseBody === undefined) throw bad(`${where}: response_body '${rule.responseBody}' is not a field of ${method.output.typeName}`);
  }
  return { method, index, httpMethod, template, variables, body, responseBody };
}

/** Proto field names resolved through singular message fields, as grpc-gateway's generator demands. */
function fieldPath(message: DescMessage, names: readonly string[], what: string): DescField[] {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const name of names) {
    if (current === undefined) throw bad(`${what} goes through a field that is not a message`);
    const field: DescField | undefined = current.fields.find((f) => f.name === name);
    if (field === undefined) throw bad(`${what}: '${name}' is not a field of ${current.typeName}`);
    fields.push(field);
    current = field.fieldKind === 'message' ? field.message : undefined;
  }
  return fields;
}

function bad(message: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_CONTRACT_HTTP_RULE', message);
}
