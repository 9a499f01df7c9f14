/**
 * Groups route patterns whose segments the shape rules could not recognise (slugs, usernames,
 * file names) by counting siblings, the way log-template miners such as Drain decide a token is
 * a variable: when one position holds many distinct values, it is a parameter. Patterns become a
 * tree of segments; at a node with `threshold` or more leaf children, or `threshold` or more
 * children whose subtrees look alike (`/user/alice/posts`, `/user/bob/posts`), those children
 * merge into one `{param}` child and their totals add up. The first segment is never collapsed:
 * it names the application's sections (`/api`, `/blog`, `/images`), however many there are.
 */
import { addRouteTotals, newRouteTotals, type RouteTotals } from './stats.js';
import { uniqueNames } from './route-pattern.js';

interface Node {
  totals: RouteTotals | undefined;
  readonly children: Map<string, Node>;
}

const node = (): Node => ({ totals: undefined, children: new Map() });

function mergeNode(into: Node, from: Node): void {
  if (from.totals !== undefined) addRouteTotals((into.totals ??= newRouteTotals()), from.totals);
  for (const [segment, child] of from.children) {
    let target = into.children.get(segment);
    if (target === undefined) into.children.set(segment, (target = node()));
    mergeNode(target, child);
  }
}

/** True when most branches have the same set of child segments, as values of one parameter do. */
function alike(n: Node, branches: readonly string[]): boolean {
  const signatures = new Map<string, number>();
  let most = 0;
  for (const segment of branches) {
    const signature = [...(n.children.get(segment) as Node).children.keys()].sort().join('/');
    const count = (signatures.get(signature) ?? 0) + 1;
    signatures.set(signature, count);
    if (count > most) most = count;
  }
  return most * 2 >= branches.length;
}

function collapse(n: Node, threshold: number, depth: number): void {
  const leaves: string[] = [];
  const branches: string[] = [];
  for (const [segment, child] of n.children) (child.children.size === 0 ? leaves : branches).push(segment);
  for (const group of depth === 0 ? [] : [leaves, branches]) {
    if (group.length < threshold || (group === branches && !alike(n, branches))) continue;
    const merged = n.children.get('{param}') ?? node();
    for (const segment of group) {
      const child = n.children.get(segment) as Node;
      if (child === merged) continue;
      n.children.delete(segment);
      mergeNode(merged, child);
    }
    n.children.set('{param}', merged);
  }
  for (const child of n.children.values()) collapse(child, threshold, depth + 1);
}

function emit(n: Node, prefix: string, out: Map<string, RouteTotals>): void {
  if (n.totals !== undefined) out.set(uniqueNames(prefix === '' ? '/' : prefix), n.totals);
  for (const [segment, child] of n.children) emit(child, `${prefix}/${segment}`, out);
}

export function collapseRoutes(routes: ReadonlyMap<string, RouteTotals>, threshold: number): Map<string, RouteTotals> {
  const root = node();
  const loose = new Map<string, RouteTotals>();
  for (const [pattern, totals] of routes) {
    if (!pattern.startsWith('/')) {
      loose.set(pattern, totals); // not a path (`*` of OPTIONS *): nothing to group
      continue;
    }
    let n = root;
    // '/a/b' -> ['a', 'b']; '/' -> [''] so the root page stays apart from the tree's root.
    for (const segment of pattern.slice(1).split('/')) {
      let child = n.children.get(segment);
      if (child === undefined) n.children.set(segment, (child = node()));
      n = child;
    }
    const own = newRouteTotals();
    addRouteTotals(own, totals);
    if (n.totals === undefined) n.totals = own;
    else addRouteTotals(n.totals, own);
  }
  collapse(root, threshold, 0);
  const out = new Map<string, RouteTotals>();
  for (const [segment, child] of root.children) emit(child, `/${segment}`, out);
  for (const [pattern, totals] of loose) out.set(pattern, totals);
  return out;
}
