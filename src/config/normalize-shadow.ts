/**
 * A route's `shadow:` turned into ShadowConfig with defaults applied. The schema has checked the
 * shapes (sample in 0..1, pointers in ignore/unordered/mask); what it cannot say is checked here:
 * the route must be named (shadows are addressed by route name), and the keys of
 * `compare.normalize` must be JSON pointers. An unknown `to` is reported by references.ts.
 */
import { defaults } from './defaults.js';
import { parseDuration, parseSize } from './units.js';
import { isJsonPointer } from '../delivery/shadow/json-pointer.js';
import type { ErrorCode } from '../errors.js';
import type { HttpMethod, ShadowConfig, ShadowNormalizer } from './types.js';

type Raw = Record<string, unknown>;
type Fail = (code: ErrorCode, segments: (string | number)[], message: string) => void;

export function routeShadowConfig(raw: unknown, name: string | undefined, at: (string | number)[], fail: Fail): ShadowConfig | undefined {
  if (raw === undefined || raw === null || typeof raw !== 'object') return undefined;
  const value = raw as Raw;
  const d = defaults.shadow;
  if (name === undefined) fail('SY_ERR_CONFIG_ROUTE', [...at, 'shadow'], 'a shadowed route needs a `name`: GET /admin/shadow reports it by name');
  const compare = (value['compare'] ?? {}) as Raw;
  const normalize: Record<string, ShadowNormalizer> = {};
  for (const [pointer, how] of Object.entries((compare['normalize'] ?? {}) as Record<string, ShadowNormalizer>)) {
    if (isJsonPointer(pointer)) normalize[pointer] = how;
    else fail('SY_ERR_CONFIG_INVALID', [...at, 'shadow', 'compare', 'normalize', pointer], `'${pointer}' is not an RFC 6901 JSON pointer (such as /items/0/id; '' is the whole body)`);
  }
  const list = (key: string) => ((compare[key] as string[] | undefined) ?? []).slice();
  return {
    to: value['to'] as string,
    sample: (value['sample'] as number | undefined) ?? d.sample,
    timeout: parseDuration(value['timeout']) ?? d.timeout,
    maxConcurrent: (value['maxConcurrent'] as number | undefined) ?? d.maxConcurrent,
    methods: (value['methods'] as HttpMethod[] | undefined) ?? [...d.methods],
    maxBodySize: parseSize(value['maxBodySize']) ?? d.maxBodySize,
    compare: { headers: list('headers').map((h) => h.toLowerCase()), ignore: list('ignore'), unordered: list('unordered'), mask: list('mask'), normalize },
  };
}
