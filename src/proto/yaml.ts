/**
 * YAML parsing for buf.yaml, buf.work.yaml and switchyard.proto.yaml, with the parser loaded on
 * first use: most proto runs in CI read no YAML at all (googleapis has none), and loading the
 * parser was a tenth of a small lint's CPU.
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;

export function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yaml.parse(text);
}
