/** k-means (Lloyd's algorithm, k-means++ seeding, a few seeded restarts) and cluster purity. */
import { seededRandom } from '../random';

export interface KMeansOptions {
  seed?: number;
  /** Independent seedings; the one with the least inertia wins (default 10, as sklearn's n_init). */
  restarts?: number;
  maxIterations?: number;
}

export interface KMeansResult {
  /** Cluster of each row, 0..k-1. */
  assignments: Int32Array;
  centroids: Float64Array[];
  /** Sum of squared distances of the rows to their centroids. */
  inertia: number;
}

function distance2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k] - b[k];
    s += d * d;
  }
  return s;
}

/** k-means++: the first centre uniformly, each next one with probability ∝ squared distance to the nearest chosen. */
function seedCentroids(rows: ArrayLike<number>[], k: number, random: () => number): Float64Array[] {
  const centroids = [Float64Array.from(rows[Math.floor(random() * rows.length)])];
  const nearest = rows.map((r) => distance2(r, centroids[0]));
  while (centroids.length < k) {
    const total = nearest.reduce((s, d) => s + d, 0);
    let pick = Math.floor(random() * rows.length); // all rows on the centres already: any will do
    if (total > 0) {
      let target = random() * total;
      for (pick = 0; pick < rows.length - 1 && target >= nearest[pick]; pick++) target -= nearest[pick];
    }
    const c = Float64Array.from(rows[pick]);
    centroids.push(c);
    rows.forEach((r, i) => (nearest[i] = Math.min(nearest[i], distance2(r, c))));
  }
  return centroids;
}

function lloyd(rows: ArrayLike<number>[], centroids: Float64Array[], maxIterations: number): KMeansResult {
  const n = rows.length;
  const dim = rows[0].length;
  const assignments = new Int32Array(n).fill(-1);
  let inertia = 0;
  for (let it = 0; it < maxIterations; it++) {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      centroids.forEach((c, j) => {
        const d = distance2(rows[i], c);
        if (d < bestD) [best, bestD] = [j, d];
      });
      inertia += bestD;
      if (assignments[i] !== best) [assignments[i], changed] = [best, true];
    }
    if (!changed) break;
    // an emptied cluster keeps its centre
    centroids.forEach((c, j) => {
      const mean = new Float64Array(dim);
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (assignments[i] !== j) continue;
        count++;
        for (let k = 0; k < dim; k++) mean[k] += rows[i][k];
      }
      if (count > 0) for (let k = 0; k < dim; k++) c[k] = mean[k] / count;
    });
  }
  return { assignments, centroids, inertia };
}

export function kmeans(rows: ArrayLike<number>[], k: number, options: KMeansOptions = {}): KMeansResult {
  if (!Number.isInteger(k) || k < 1 || k > rows.length) throw new RangeError(`kmeans: k must be in [1, ${rows.length}], got ${k}`);
  const random = seededRandom(options.seed ?? 1);
  let best: KMeansResult | undefined;
  for (let r = 0; r < (options.restarts ?? 10); r++) {
    const result = lloyd(rows, seedCentroids(rows, k, random), options.maxIterations ?? 300);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}

/** Share of the rows whose cluster's most common label is their own: Σ over clusters of that label's count, / n. */
export function purity(assignments: ArrayLike<number>, labels: ArrayLike<string | number>): number {
  const counts = new Map<number, Map<string | number, number>>();
  for (let i = 0; i < assignments.length; i++) {
    const c = counts.get(assignments[i]) ?? new Map<string | number, number>();
    c.set(labels[i], (c.get(labels[i]) ?? 0) + 1);
    counts.set(assignments[i], c);
  }
  let agree = 0;
  for (const c of counts.values()) agree += Math.max(...c.values());
  return assignments.length > 0 ? agree / assignments.length : 0;
}
