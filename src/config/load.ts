/**
 * Loads switchyard.yaml: parse (yaml, keeping node positions), replace `${ENV}`, check against the
 * JSON Schema and for names used but never defined, normalise, then resolve admin.listen's host.
 * Every problem found on the way is collected with its line and column, then all are thrown
 * together as one ConfigError, so one run of `validate` lists every mistake. A grpc upstream's
 * descriptors are loaded here too (compiled, read or asked for by reflection), so a proto that
 * does not compile is a load error at its `proto` key.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { SwitchyardError } from '../errors.js';
import { interpolate } from './interpolate.js';
import { validateAgainstSchema } from './schema.js';
import { normalize, type RawProblem } from './normalize.js';
import { checkReferences } from './references.js';
import { checkAdminListen } from './admin-listen.js';
import { preloadTranscoder } from '../upstream/grpc/transcode/preload.js';
import { ConfigError, pathToString, type ConfigProblem } from './problems.js';
import type { GatewayConfig } from './types.js';

export interface LoadedConfig {
  readonly config: GatewayConfig;
  /** Finds the line and column of a YAML path, for problems found after loading. */
  readonly locate: (segments: readonly (string | number)[]) => { line: number; column: number } | undefined;
}

export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SwitchyardError(code === 'ENOENT' ? 'SY_ERR_FILE_NOT_FOUND' : 'SY_ERR_FILE_UNREADABLE', `cannot read config ${file}: ${code === 'ENOENT' ? 'no such file' : String(code)}`);
  }
  return loadConfig(text, { file, source: path, env });
}

export interface ParseOptions {
  /** The name problems are reported under (default `switchyard.yaml`). */
  readonly file?: string;
  /** Its absolute path: relative paths in the config are resolved from its folder. */
  readonly source?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Descriptors are loaded (with @bufbuild/protobuf) only for a config whose grpc upstreams name protos. */
async function grpcDescriptors(config: GatewayConfig, baseDir: string): Promise<Awaited<ReturnType<typeof import('../upstream/grpc/descriptors.js').loadGrpcDescriptors>> | undefined> {
  if (![...config.upstreams.values()].some((u) => u.type === 'grpc' && u.proto !== undefined)) return undefined;
  return (await import('../upstream/grpc/descriptors.js')).loadGrpcDescriptors(config, baseDir);
}

/** Every check, including those that ask the system resolver (admin.listen): what a gateway runs from. */
export async function loadConfig(text: string, options: ParseOptions = {}): Promise<LoadedConfig> {
  const checked = check(text, options);
  // Protos are compiled (or asked for by reflection) while admin.listen resolves.
  const [adminProblems, grpc] = await Promise.all([
    checkAdminListen(checked.data),
    checked.config === undefined ? undefined : grpcDescriptors(checked.config, options.source === undefined ? process.cwd() : dirname(options.source)),
  ]);
  if (checked.config !== undefined) await preloadTranscoder(checked.config);
  for (const p of adminProblems) checked.add(p);
  if (grpc !== undefined) {
    checked.replace(grpc.config);
    for (const p of grpc.problems) checked.add(p);
  }
  return checked.result();
}

/**
 * Every check that needs no resolver, synchronously: all but admin.listen's exposure, which
 * depends on what its host resolves to. The gateway, `serve` and `validate` use loadConfig.
 */
export function parseConfig(text: string, options: ParseOptions = {}): LoadedConfig {
  return check(text, options).result();
}

interface Checked {
  /** The document after `${ENV}`, as written (it may not match the schema). */
  readonly data: Readonly<Record<string, unknown>>;
  /** Records a problem found on `data`, placed at its node. */
  add(p: RawProblem): void;
  /** The normalised config, when the document was valid enough to normalise. */
  readonly config: GatewayConfig | undefined;
  /** Swaps in the config with what was loaded asynchronously (gRPC descriptors). */
  replace(config: GatewayConfig): void;
  /** The config, or every problem recorded as one ConfigError. */
  result(): LoadedConfig;
}

function check(text: string, options: ParseOptions): Checked {
  const file = options.file ?? 'switchyard.yaml';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ code: 'SY_ERR_CONFIG_SYNTAX', path: '', message: e.message.split('\n')[0] ?? e.message, ...position(e.pos[0]) })),
    );
  }
  const locate = (segments: readonly (string | number)[], atKey = false) => {
    const node = findNode(doc, segments, atKey);
    return node?.range ? position(node.range[0]) : undefined;
  };
  const problems: ConfigProblem[] = [];
  const add = (p: Omit<ConfigProblem, 'path' | 'line' | 'column'>, segments: readonly (string | number)[], atKey = false) => {
    // Point at the deepest node that exists: a missing key is reported at its parent.
    let found: { line: number; column: number } | undefined;
    for (let n = segments.length; n >= 0 && found === undefined; n--) found = locate(segments.slice(0, n), atKey && n === segments.length);
    problems.push({ ...p, path: pathToString(segments), ...(found ?? {}) });
  };

  const data: unknown = doc.toJS() ?? {};
  const env = options.env ?? process.env;
  substituteEnv(data, [], env, (segments, name) => add({ code: 'SY_ERR_CONFIG_ENV', message: `environment variable ${name} is not set (use \${${name}:-default} for a default)` }, segments));
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [{ code: 'SY_ERR_CONFIG_INVALID', path: '', message: 'the configuration must be a mapping of keys (listen, upstreams, routes, ...)' }]);
  }
  const addRaw = (p: RawProblem) => add({ code: p.code, message: p.message }, p.segments);
  const document = data as Record<string, unknown>;
  const schemaProblems = validateAgainstSchema(document);
  for (const p of schemaProblems) add({ code: 'SY_ERR_CONFIG_INVALID', message: p.message }, p.segments, p.atKey);
  // Unknown names are looked for in any document, so they come in the same run as the schema's problems.
  for (const p of checkReferences(document)) addRaw(p);

  // Normalising reads the document as the schema promises it, so only a valid one is normalised.
  let config: GatewayConfig | undefined;
  if (schemaProblems.length === 0) {
    const normalized = normalize(document, options.source);
    config = normalized.config;
    for (const p of normalized.problems) addRaw(p);
  }
  return {
    data: document,
    add: addRaw,
    get config() {
      return config;
    },
    replace: (loaded) => {
      config = loaded;
    },
    result: () => {
      if (problems.length > 0 || config === undefined) throw new ConfigError(file, sortProblems(problems));
      return { config, locate: (segments) => locate(segments) };
    },
  };
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** Replaces `${ENV}` in every string value, in place, reporting unset names with their path. */
function substituteEnv(node: unknown, segments: (string | number)[], env: NodeJS.ProcessEnv, missing: (segments: (string | number)[], name: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => {
      if (typeof v === 'string') node[i] = replaceOne(v, [...segments, i], env, missing);
      else substituteEnv(v, [...segments, i], env, missing);
    });
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(record)) {
      if (typeof v === 'string') record[k] = replaceOne(v, [...segments, k], env, missing);
      else substituteEnv(v, [...segments, k], env, missing);
    }
  }
}

function replaceOne(value: string, segments: (string | number)[], env: NodeJS.ProcessEnv, missing: (segments: (string | number)[], name: string) => void): string {
  if (!value.includes('${')) return value;
  const result = interpolate(value, env);
  for (const name of result.missing) missing(segments, name);
  return result.value;
}

function findNode(doc: Document, segments: readonly (string | number)[], atKey: boolean): Node | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) return undefined;
      node = last && atKey ? pair.key : pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      return undefined;
    }
  }
  return (node ?? undefined) as Node | undefined;
}
