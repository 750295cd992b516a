/** Stratified k-fold assignment: each class's examples shuffled (seeded) and dealt round the folds. */
import { seededRandom } from '../../random';

/**
 * The fold (0..k-1) of each example. Classes are dealt in turn from one running position, so
 * every fold gets its share of each class and fold sizes differ by one at most.
 * @param labels class of each example, 0..classes-1
 */
export function stratifiedFolds(labels: ArrayLike<number>, classes: number, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be an integer of at least 2, got ${k}`);
  const random = seededRandom(seed);
  const fold = new Int32Array(labels.length);
  let position = 0;
  for (let c = 0; c < classes; c++) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === c) members.push(i);
    // Fisher-Yates
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    for (const i of members) fold[i] = position++ % k;
  }
  return fold;
}

/** The rows in fold `f` (test) and the others (train), each in increasing order. */
export function splitFold(foldOf: Int32Array, f: number, among?: Int32Array): { train: Int32Array; test: Int32Array } {
  const rows = among ?? Int32Array.from(foldOf.keys());
  const train: number[] = [];
  const test: number[] = [];
  rows.forEach((r, i) => (foldOf[among ? i : r] === f ? test : train).push(r));
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
