/** Checks a middleware's options against its own small JSON Schema, as FilterProblems. */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { closest } from '../config/did-you-mean.js';
import type { FilterProblem } from './filter.js';

const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });

export function optionsChecker(schema: object): (options: Readonly<Record<string, unknown>>) => FilterProblem[] {
  const validate: ValidateFunction = ajv.compile({ type: 'object', additionalProperties: false, ...schema });
  return (options) => {
    if (validate(options)) return [];
    return (validate.errors ?? []).map((e) => {
      const segments = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/');
      if (e.keyword === 'additionalProperties') {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
        const hint = closest(key, known);
        return { segments: [...segments, key], message: `unknown key '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}` };
      }
      return { segments, message: e.message ?? 'is invalid' };
    });
  };
}
