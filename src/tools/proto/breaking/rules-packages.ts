/** The PACKAGE category's deletion rules: elements may move between files but not leave their package. */
import type { ProtoFile } from '../../../proto/proto-file.js';
import { elementsOf, type Element } from '../elements.js';
import { enclosingMessagePath } from './rules-files.js';
import { nestedName } from './image-index.js';
import { PACKAGE_ONLY, type BreakingRule } from './rule.js';

function noDeleteInPackage(id: string, what: string, pick: (f: ProtoFile) => readonly Element<unknown>[], atEnclosing: boolean): BreakingRule {
  return {
    id,
    categories: PACKAGE_ONLY,
    check(ctx) {
      for (const [pkg, previousFiles] of ctx.previous.packages) {
        const files = ctx.current.packages.get(pkg);
        if (files === undefined) continue;
        const present = new Set(files.flatMap((f) => pick(f).map((e) => nestedName(e.fullName, f))));
        for (const previous of previousFiles) {
          for (const e of pick(previous)) {
            const name = nestedName(e.fullName, previous);
            if (present.has(name)) continue;
            // Point into the file the element was in, when that file still exists.
            const file = ctx.current.fileByName.get(previous.name);
            const path = file !== undefined && atEnclosing ? enclosingMessagePath(ctx.current, file, name) : undefined;
            ctx.report(file, path, `Previously present ${what} "${name}" was deleted from package "${pkg}".`, previous);
          }
        }
      }
    },
  };
}

export const packageRules: readonly BreakingRule[] = [
  {
    id: 'PACKAGE_NO_DELETE',
    categories: PACKAGE_ONLY,
    check(ctx) {
      for (const [pkg, files] of ctx.previous.packages) {
        if (!ctx.current.packages.has(pkg)) ctx.report(undefined, undefined, `Previously present package "${pkg}" was deleted.`, files[0]);
      }
    },
  },
  noDeleteInPackage('PACKAGE_MESSAGE_NO_DELETE', 'message', (f) => elementsOf(f).messages, true),
  noDeleteInPackage('PACKAGE_ENUM_NO_DELETE', 'enum', (f) => elementsOf(f).enums, true),
  noDeleteInPackage('PACKAGE_EXTENSION_NO_DELETE', 'extension', (f) => elementsOf(f).extensions, true),
  noDeleteInPackage('PACKAGE_SERVICE_NO_DELETE', 'service', (f) => elementsOf(f).services, false),
];
