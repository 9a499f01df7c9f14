/**
 * buf's package rules: every file has a package matching its directory, one package per
 * directory and one directory per package, no import cycles between packages, versioned
 * packages, and the same language options across a package's files.
 */
import { isFieldSet } from '@bufbuild/protobuf';
import { FileOptionsSchema, type FileOptions } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import type { ProtoFile } from '../../../../proto/proto-file.js';
import { FILE } from '../../descriptor-paths.js';
import { groupBy } from '../../../../group-by.js';
import { BASIC, MINIMAL, STANDARD, type LintRule, type LintRuleContext } from '../rule.js';

const dirOf = (file: ProtoFile): string => file.name.split('/').slice(0, -1).join('/');
const display = (dir: string): string => (dir === '' ? '.' : dir);

// buf's version suffixes: v1, v1test..., v1alpha / v1alpha1 / v1beta / v1beta1, v1p1alpha / v1p1beta1.
// Every number is at least 1 and read as a number, so leading zeros pass (v01); the number after
// alpha or beta is optional (buf accepts v1alpha and v2beta, which googleapis uses).
const N = '0*[1-9][0-9]*';
const VERSION = new RegExp(`^v${N}(test.*|(alpha|beta)(${N})?|p${N}(alpha|beta)(${N})?)?$`);

/**
 * PACKAGE_SAME_* : files of one package agree on a file option, where "unset" is a value of its
 * own (descriptor.proto options are proto2, so presence is read, not the default).
 */
function sameOption(id: string, option: keyof typeof FileOptionsSchema.field): LintRule {
  const field = FileOptionsSchema.field[option];
  const valueOf = (f: ProtoFile): string | undefined => {
    const options = f.proto.options;
    return options !== undefined && isFieldSet(options, field) ? String(options[field.localName as keyof FileOptions]) : undefined;
  };
  return {
    id,
    categories: BASIC,
    purpose: `all files of a package have the same ${field.name} option`,
    check(ctx) {
      for (const [pkg, files] of groupBy(ctx.targets, (f) => f.proto.package ?? '')) {
        if (pkg === '') continue;
        const values = new Set(files.map(valueOf));
        if (values.size < 2) continue;
        const list = [...values].map((v) => (v === undefined ? 'unset' : `"${v}"`)).sort().join(', ');
        for (const f of files) {
          // An unset option has no position; buf then points at the start of the file.
          const at = valueOf(f) === undefined ? [] : [FILE.options, field.number];
          ctx.report(f, at, `Files in package "${pkg}" have different values for option "${field.name}": ${list}.`);
        }
      }
    },
  };
}

export const packageRules: readonly LintRule[] = [
  {
    id: 'PACKAGE_DEFINED',
    categories: MINIMAL,
    purpose: 'every file has a package',
    check(ctx) {
      for (const file of ctx.targets) {
        if ((file.proto.package ?? '') === '') ctx.report(file, [], `Files must have a package defined.`);
      }
    },
  },
  {
    id: 'PACKAGE_DIRECTORY_MATCH',
    categories: MINIMAL,
    purpose: 'files live in the directory their package names',
    check(ctx) {
      for (const file of ctx.targets) {
        const pkg = file.proto.package ?? '';
        if (pkg === '') continue;
        const expected = pkg.split('.').join('/');
        if (dirOf(file) === expected) continue;
        ctx.report(file, [FILE.package], `Files with package "${pkg}" must be within a directory "${expected}" relative to root but were in directory "${display(dirOf(file))}".`);
      }
    },
  },
  {
    id: 'DIRECTORY_SAME_PACKAGE',
    categories: MINIMAL,
    purpose: 'all files in a directory share one package',
    check(ctx) {
      for (const [dir, files] of groupBy(ctx.targets, dirOf)) {
        const pkgs = [...new Set(files.map((f) => f.proto.package ?? ''))].sort();
        if (pkgs.length < 2) continue;
        for (const f of files) {
          ctx.report(f, [FILE.package], `Multiple packages "${pkgs.join(',')}" detected within directory "${display(dir)}".`);
        }
      }
    },
  },
  {
    id: 'PACKAGE_SAME_DIRECTORY',
    categories: MINIMAL,
    purpose: 'all files of a package live in one directory',
    check(ctx) {
      for (const [pkg, files] of groupBy(ctx.targets, (f) => f.proto.package ?? '')) {
        if (pkg === '') continue;
        const dirs = [...new Set(files.map(dirOf))].sort();
        if (dirs.length < 2) continue;
        for (const f of files) {
          ctx.report(f, [FILE.package], `Multiple directories "${dirs.map(display).join(',')}" contain files with package "${pkg}".`);
        }
      }
    },
  },
  {
    id: 'PACKAGE_NO_IMPORT_CYCLE',
    categories: MINIMAL,
    // buf's v1 configuration has the rule in no category: it runs only when named.
    v1Categories: [],
    purpose: 'packages do not import each other in a cycle',
    check: checkPackageCycles,
  },
  {
    id: 'PACKAGE_VERSION_SUFFIX',
    categories: STANDARD,
    purpose: 'the last package component is a version such as v1 or v1beta1',
    check(ctx) {
      for (const file of ctx.targets) {
        const pkg = file.proto.package ?? '';
        if (pkg === '' || VERSION.test(pkg.split('.').pop() ?? '')) continue;
        ctx.report(file, [FILE.package], `Package name "${pkg}" should be suffixed with a correctly formed version, such as "${pkg}.v1".`);
      }
    },
  },
  sameOption('PACKAGE_SAME_CSHARP_NAMESPACE', 'csharpNamespace'),
  sameOption('PACKAGE_SAME_GO_PACKAGE', 'goPackage'),
  sameOption('PACKAGE_SAME_JAVA_MULTIPLE_FILES', 'javaMultipleFiles'),
  sameOption('PACKAGE_SAME_JAVA_PACKAGE', 'javaPackage'),
  sameOption('PACKAGE_SAME_PHP_NAMESPACE', 'phpNamespace'),
  sameOption('PACKAGE_SAME_RUBY_PACKAGE', 'rubyPackage'),
  sameOption('PACKAGE_SAME_SWIFT_PREFIX', 'swiftPrefix'),
];

/**
 * Packages form a graph through their files' imports; an import is reported when it closes a
 * cycle back to its own package (Tarjan's strongly connected components over packages).
 */
function checkPackageCycles(ctx: LintRuleContext): void {
  const byName = new Map(ctx.targets.map((f) => [f.name, f]));
  // Every import that crosses packages, found once and used for the graph and then the reports.
  const imports: { file: ProtoFile; index: number; from: string; to: string }[] = [];
  const edges = new Map<string, Set<string>>();
  for (const file of ctx.targets) {
    const from = file.proto.package ?? '';
    file.proto.dependency.forEach((dep, index) => {
      const to = byName.get(dep)?.proto.package;
      if (to === undefined || to === from) return;
      imports.push({ file, index, from, to });
      let set = edges.get(from);
      if (set === undefined) edges.set(from, (set = new Set()));
      set.add(to);
    });
  }
  const component = stronglyConnected(edges);
  for (const { file, index, from, to } of imports) {
    const c = component.get(from);
    if (c === undefined || c !== component.get(to)) continue;
    ctx.report(file, [FILE.dependency, index], `Package import cycle: ${[from, to].join(' -> ')} -> ${from}`);
  }
}

function stronglyConnected(edges: Map<string, Set<string>>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result = new Map<string, number>();
  let counter = 0;
  let componentId = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const members: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        members.push(w);
      } while (w !== v);
      if (members.length > 1) {
        componentId++;
        for (const m of members) result.set(m, componentId);
      }
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return result;
}
