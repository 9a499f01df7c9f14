/**
 * Smooth weighted round robin, as nginx's upstream module does it: each pick adds every
 * candidate's weight to its running score, takes the highest, and subtracts the total from the
 * winner. Weights 5,1,1 give a,a,b,a,c,a,a rather than a burst of five a's.
 */
import type { Balancer } from './balancer.js';
import type { Endpoint } from './endpoint.js';

export class SmoothWeighted implements Balancer {
  readonly #current = new Map<Endpoint, number>();

  pick(candidates: readonly Endpoint[]): Endpoint {
    let total = 0;
    let best: Endpoint | undefined;
    let bestScore = -Infinity;
    for (const e of candidates) {
      const score = (this.#current.get(e) ?? 0) + e.weight;
      this.#current.set(e, score);
      total += e.weight;
      if (score > bestScore) {
        bestScore = score;
        best = e;
      }
    }
    const winner = best as Endpoint;
    this.#current.set(winner, bestScore - total);
    return winner;
  }
}
