/** buf's per-file rules: syntax stated, imports public/used, no required fields. */
import { elementsOf } from '../../elements.js';
import { FIELD, FILE } from '../../descriptor-paths.js';
import { BASIC, type LintRule } from '../rule.js';

// descriptor.proto FieldDescriptorProto.Label.LABEL_REQUIRED and FeatureSet.FieldPresence.LEGACY_REQUIRED.
const LABEL_REQUIRED = 2;
const LEGACY_REQUIRED = 3;

export const fileRules: readonly LintRule[] = [
  {
    id: 'SYNTAX_SPECIFIED',
    categories: BASIC,
    purpose: 'every file states its syntax or edition',
    check(ctx) {
      for (const file of ctx.targets) {
        if (!file.info.isSyntaxUnspecified) continue;
        ctx.report(file, [], `Files must have a syntax explicitly specified. If no syntax is specified, the file defaults to "proto2".`);
      }
    },
  },
  {
    id: 'IMPORT_NO_PUBLIC',
    categories: BASIC,
    purpose: 'imports are not public',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const index of file.proto.publicDependency) {
          ctx.report(file, [FILE.dependency, index], `Import "${file.proto.dependency[index]}" must not be public.`);
        }
      }
    },
  },
  {
    id: 'IMPORT_USED',
    categories: BASIC,
    purpose: 'every import is used',
    check(ctx) {
      for (const file of ctx.targets) {
        // The compiler records unused imports in buf's image extension; public imports re-export and count as used.
        for (const index of file.info.unusedDependency) {
          if (file.proto.publicDependency.includes(index)) continue;
          ctx.report(file, [FILE.dependency, index], `Import "${file.proto.dependency[index]}" is unused.`);
        }
      }
    },
  },
  {
    id: 'FIELD_NOT_REQUIRED',
    categories: BASIC,
    // Added with buf's v2 configuration; a v1 one does not run it.
    v1Categories: [],
    purpose: 'fields are not required',
    check(ctx) {
      for (const file of ctx.targets) {
        const { fields, extensions } = elementsOf(file);
        for (const f of [...fields, ...extensions]) {
          const required = f.desc.label === LABEL_REQUIRED || (f.desc.options?.features?.fieldPresence as number | undefined) === LEGACY_REQUIRED;
          if (!required) continue;
          ctx.report(file, [...f.path, FIELD.name], `Field named ${f.desc.name} should not be required.`, [f.path]);
        }
      }
    },
  },
];
