/**
 * Lint and breaking configuration, read from `switchyard.proto.yaml` or else `buf.yaml` in the
 * module root (or from `--config`). Both files use buf's shape, so a team's existing `buf.yaml`
 * works unchanged: `lint`/`breaking` sections with `use`, `except`, `ignore`, `ignore_only`, and
 * buf's rule options. Parsing and validation live here, apart from the rules that use them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseYaml } from '../../proto/yaml.js';
import { SwitchyardError } from '../../errors.js';
import { readWorkspace } from '../../proto/workspace.js';

export interface LintOptions {
  /** Suffix of enum zero values (buf's `enum_zero_value_suffix`). Default `_UNSPECIFIED`. */
  readonly enumZeroValueSuffix: string;
  /** Suffix of service names (`service_suffix`). Default `Service`. */
  readonly serviceSuffix: string;
  /** Allow one message as request and response of the same RPC. Default false. */
  readonly rpcAllowSameRequestResponse: boolean;
  /** Allow `google.protobuf.Empty` as a request. Default false. */
  readonly rpcAllowEmptyRequests: boolean;
  /** Allow `google.protobuf.Empty` as a response. Default false. */
  readonly rpcAllowEmptyResponses: boolean;
  /** Turn off `// buf:lint:ignore` comments. Default false. */
  readonly disallowCommentIgnores: boolean;
}

export interface RuleSelection {
  /** Rule IDs or categories to run. */
  readonly use: readonly string[];
  readonly except: readonly string[];
  /** Paths (files or directories, relative to the module root) where no rule reports. */
  readonly ignore: readonly string[];
  /** Rule ID or category -> paths where that rule does not report. */
  readonly ignoreOnly: Readonly<Record<string, readonly string[]>>;
}

export interface ProtoConfig {
  readonly lint: RuleSelection & LintOptions;
  readonly breaking: RuleSelection & { readonly ignoreUnstablePackages: boolean };
  /** Where the configuration came from, for messages; undefined when defaults apply. */
  readonly source: string | undefined;
  /**
   * buf's configuration version, which decides a few rules' categories: a v1 or v1beta1 buf.yaml,
   * or no configuration file at all (buf then lints with its v1 defaults), is `v1`; a v2 buf.yaml
   * or a switchyard.proto.yaml is `v2` unless it says otherwise.
   */
  readonly bufVersion: BufConfigVersion;
}

export type BufConfigVersion = 'v1' | 'v2';

/** Every default in one place: the rule selections, then the lint options (all buf's defaults). */
export const PROTO_DEFAULTS = Object.freeze({
  /** buf's default lint category plus the article's rules. */
  lintUse: Object.freeze(['STANDARD', 'SWITCHYARD']),
  /** buf's default breaking category. */
  breakingUse: Object.freeze(['FILE']),
});

export const DEFAULT_LINT_OPTIONS: LintOptions = Object.freeze({
  enumZeroValueSuffix: '_UNSPECIFIED',
  serviceSuffix: 'Service',
  rpcAllowSameRequestResponse: false,
  rpcAllowEmptyRequests: false,
  rpcAllowEmptyResponses: false,
  disallowCommentIgnores: false,
});

const CONFIG_FILES = ['switchyard.proto.yaml', 'buf.yaml'];

/**
 * Reads the config for a module root; `explicit` is a `--config` file path. Without one:
 * `switchyard.proto.yaml` or `buf.yaml` in the module root, else the buf.yaml of a v2 workspace
 * above that lists the module (its module entry's sections, else the top-level ones).
 */
export function loadProtoConfig(dir: string, explicit?: string): ProtoConfig {
  const file = explicit ?? CONFIG_FILES.map((name) => join(dir, name)).find((path) => existsSync(path));
  if (file !== undefined) {
    const raw = readConfigFile(resolve(dir, file), file);
    // A workspace root's buf.yaml: its top-level sections, with paths made module-relative.
    const workspace = explicit === undefined ? readWorkspace(dir) : undefined;
    // buf reads a buf.yaml without `version` as v1beta1.
    const unversioned = basename(file) === 'buf.yaml' ? 'v1' : 'v2';
    return parseProtoConfig(workspace === undefined ? raw : forModule(raw as Record<string, unknown>, workspace.modules.map((m) => m.path), undefined), file, unversioned);
  }
  for (let parent = dirname(resolve(dir)); parent !== dirname(parent); parent = dirname(parent)) {
    const workspace = readWorkspace(parent);
    const module = workspace?.modules.find((m) => m.dir === resolve(dir));
    if (workspace?.config === undefined || module === undefined) continue;
    return parseProtoConfig(forModule(workspace.config, [module.path], module.entry), join(parent, 'buf.yaml'));
  }
  // No configuration anywhere: buf's defaults are those of a v1 buf.yaml.
  return parseProtoConfig({}, undefined, 'v1');
}

function readConfigFile(path: string, name: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (cause) {
    throw new SwitchyardError('SY_ERR_PROTO_LINT_CONFIG', `cannot read ${name}: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
}

/**
 * One module's sections of a v2 workspace buf.yaml: the module entry's own `lint`/`breaking`
 * override the top-level ones, and `ignore` paths, which buf writes relative to the workspace
 * root, become relative to the module (paths outside it are dropped).
 */
function forModule(raw: Record<string, unknown>, modulePaths: readonly string[], entry: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const rebase = (paths: unknown): unknown =>
    Array.isArray(paths)
      ? paths.flatMap((p) => {
          if (typeof p !== 'string') return [p];
          const hit = modulePaths.find((m) => m === '.' || p === m || p.startsWith(`${m}/`));
          return hit === undefined ? [] : [hit === '.' ? p : p.slice(hit.length + 1) || '.'];
        })
      : paths;
  const section = (name: 'lint' | 'breaking'): unknown => {
    const value = (entry?.[name] ?? raw[name]) as Record<string, unknown> | undefined;
    if (value === null || typeof value !== 'object') return value;
    const only = value['ignore_only'];
    return {
      ...value,
      ...(value['ignore'] === undefined ? {} : { ignore: rebase(value['ignore']) }),
      ...(only !== null && typeof only === 'object' ? { ignore_only: Object.fromEntries(Object.entries(only).map(([k, v]) => [k, rebase(v)])) } : {}),
    };
  };
  return { version: 'v2', lint: section('lint') ?? {}, breaking: section('breaking') ?? {} };
}

/** `unversioned` is the version of a file without a `version` key. */
export function parseProtoConfig(raw: unknown, source: string | undefined, unversioned: BufConfigVersion = 'v2'): ProtoConfig {
  const where = source ?? 'configuration';
  const root = asObject(raw, where);
  const version = root['version'];
  if (version !== undefined && version !== 'v1beta1' && version !== 'v1' && version !== 'v2') {
    throw new SwitchyardError('SY_ERR_PROTO_LINT_CONFIG', `${where}: version must be v1beta1, v1 or v2`);
  }
  const lint = asObject(root['lint'] ?? {}, `${where}: lint`);
  const breaking = asObject(root['breaking'] ?? {}, `${where}: breaking`);
  return {
    source,
    bufVersion: version === undefined ? unversioned : version === 'v2' ? 'v2' : 'v1',
    lint: {
      ...selection(lint, PROTO_DEFAULTS.lintUse, `${where}: lint`),
      enumZeroValueSuffix: asString(lint['enum_zero_value_suffix'], DEFAULT_LINT_OPTIONS.enumZeroValueSuffix, `${where}: lint.enum_zero_value_suffix`),
      serviceSuffix: asString(lint['service_suffix'], DEFAULT_LINT_OPTIONS.serviceSuffix, `${where}: lint.service_suffix`),
      rpcAllowSameRequestResponse: asBool(lint['rpc_allow_same_request_response'], `${where}: lint.rpc_allow_same_request_response`),
      rpcAllowEmptyRequests: asBool(lint['rpc_allow_google_protobuf_empty_requests'], `${where}: lint.rpc_allow_google_protobuf_empty_requests`),
      rpcAllowEmptyResponses: asBool(lint['rpc_allow_google_protobuf_empty_responses'], `${where}: lint.rpc_allow_google_protobuf_empty_responses`),
      disallowCommentIgnores: asBool(lint['disallow_comment_ignores'] ?? lint['allow_comment_ignores'] === false, `${where}: lint.disallow_comment_ignores`),
    },
    breaking: {
      ...selection(breaking, PROTO_DEFAULTS.breakingUse, `${where}: breaking`),
      ignoreUnstablePackages: asBool(breaking['ignore_unstable_packages'], `${where}: breaking.ignore_unstable_packages`),
    },
  };
}

function selection(section: Record<string, unknown>, defaultUse: readonly string[], where: string): RuleSelection {
  const ignoreOnly: Record<string, string[]> = {};
  for (const [rule, paths] of Object.entries(asObject(section['ignore_only'] ?? {}, `${where}.ignore_only`))) {
    ignoreOnly[rule] = asStrings(paths, `${where}.ignore_only.${rule}`);
  }
  const use = asStrings(section['use'] ?? [...defaultUse], `${where}.use`);
  return {
    use: use.length === 0 ? defaultUse : use,
    except: asStrings(section['except'] ?? [], `${where}.except`),
    ignore: asStrings(section['ignore'] ?? [], `${where}.ignore`),
    ignoreOnly,
  };
}

/** True when `file` (a module-relative import path) is `path` or lies under it. */
export function pathMatches(file: string, path: string): boolean {
  const p = path.replace(/^\.\//, '').replace(/\/+$/, '');
  return p === '' || p === '.' || file === p || file.startsWith(`${p}/`);
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SwitchyardError('SY_ERR_PROTO_LINT_CONFIG', `${where} must be a mapping`);
  }
  return value as Record<string, unknown>;
}
function asStrings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new SwitchyardError('SY_ERR_PROTO_LINT_CONFIG', `${where} must be a list of strings`);
  }
  return value as string[];
}
function asString(value: unknown, fallback: string, where: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new SwitchyardError('SY_ERR_PROTO_LINT_CONFIG', `${where} must be a string`);
  return value;
}
function asBool(value: unknown, where: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new SwitchyardError('SY_ERR_PROTO_LINT_CONFIG', `${where} must be true or false`);
  return value;
}
