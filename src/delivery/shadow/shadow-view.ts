/**
 * The shape of `GET /admin/shadow` (SPEC section 6), and how the primary of `serve --workers N`
 * adds the workers' views together: counts summed, per-field counts summed by pointer, the
 * newest samples kept.
 */

export interface ShadowFieldView {
  readonly pointer: string;
  /** Comparisons in which this field differed from the baseline and was not noise. */
  readonly mismatched: number;
  /** Second baseline samples in which this field differed from the first: baseline-to-baseline noise. */
  readonly noise: number;
}

export interface ShadowSampleDifference {
  readonly pointer: string;
  readonly baseline?: unknown;
  readonly target?: unknown;
}

export interface ShadowSample {
  readonly time: string;
  readonly requestId: string;
  readonly method: string;
  /** The request's path, without the query (which may carry secrets). */
  readonly path: string;
  readonly differences: readonly ShadowSampleDifference[];
}

/** Copies that gave no comparison, by reason: none of them counts as a match or a mismatch. */
export interface ShadowNoData {
  readonly timeout: number;
  readonly failed: number;
  readonly tooLarge: number;
  readonly overCapacity: number;
  /** Not copied because the gateway's event loop was near saturation: clients first. */
  readonly busy: number;
}

export interface ShadowRouteView {
  readonly route: string;
  readonly target: string;
  readonly compared: number;
  readonly mismatched: number;
  /** mismatched / compared; 0 before any comparison. */
  readonly mismatchRate: number;
  readonly noData: ShadowNoData;
  readonly fields: readonly ShadowFieldView[];
  /** The newest mismatches, oldest first, values under `compare.mask` shown as ***. */
  readonly samples: readonly ShadowSample[];
}

export interface ShadowView {
  readonly routes: readonly ShadowRouteView[];
}

/** Samples kept per route. */
export const MAX_SAMPLES = 20;

export function mergeShadowViews(views: readonly ShadowView[]): ShadowView {
  const byRoute = new Map<string, ShadowRouteView[]>();
  for (const view of views) for (const r of view.routes) byRoute.set(r.route, [...(byRoute.get(r.route) ?? []), r]);
  return {
    routes: [...byRoute.values()].map((parts) => {
      const first = parts[0] as ShadowRouteView;
      const compared = sum(parts, (p) => p.compared);
      const mismatched = sum(parts, (p) => p.mismatched);
      const fields = new Map<string, { pointer: string; mismatched: number; noise: number }>();
      for (const f of parts.flatMap((p) => p.fields)) {
        const row = fields.get(f.pointer) ?? { pointer: f.pointer, mismatched: 0, noise: 0 };
        row.mismatched += f.mismatched;
        row.noise += f.noise;
        fields.set(f.pointer, row);
      }
      return {
        route: first.route,
        target: first.target,
        compared,
        mismatched,
        mismatchRate: compared === 0 ? 0 : mismatched / compared,
        noData: {
          timeout: sum(parts, (p) => p.noData.timeout),
          failed: sum(parts, (p) => p.noData.failed),
          tooLarge: sum(parts, (p) => p.noData.tooLarge),
          overCapacity: sum(parts, (p) => p.noData.overCapacity),
          busy: sum(parts, (p) => p.noData.busy),
        },
        fields: sortFields([...fields.values()]),
        samples: parts
          .flatMap((p) => p.samples)
          .sort((a, b) => a.time.localeCompare(b.time))
          .slice(-MAX_SAMPLES),
      };
    }),
  };
}

/** Most mismatched first, then noisiest, then by pointer. */
export function sortFields<T extends ShadowFieldView>(fields: T[]): T[] {
  return fields.sort((a, b) => b.mismatched - a.mismatched || b.noise - a.noise || a.pointer.localeCompare(b.pointer));
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((n, item) => n + of(item), 0);
}
