/**
 * Co-occurrence counting as Stanford GloVe's `cooccur` does it: a symmetric window within each
 * line, each pair weighted by 1 / distance, counted in a hash table under a memory budget that
 * spills sorted runs to disk and merges them at the end.
 */
import * as path from 'path';
import { OutputError } from '../../errors';
import { makeTempFolder, removeTempFolder } from '../../temp-folders';
import { CooccurrenceTable } from './cooccurrence-table';
import { RunFile, mergeRuns, writeRun } from './cooccurrence-runs';

/**
 * The symmetric co-occurrence matrix X as its upper triangle: distinct pairs a <= b sorted by
 * (a, b), x = X[a][b] = X[b][a]. A word next to itself gets both directions' weight, as in GloVe.
 */
export interface Cooccurrences {
  a: Int32Array;
  b: Int32Array;
  x: Float64Array;
}

export interface CooccurrenceOptions {
  /** Context words on each side. */
  window: number;
  /** Bytes the counting table may take before it spills to disk. */
  memoryBytes: number;
  /** Where the folder of spilled runs is made (the system's temporary folder by default); it is removed when counting ends, fails or is interrupted. */
  tmpDir?: string;
}

/** Counts co-occurrences over lines of word ids (out-of-vocabulary words already dropped). */
export async function countCooccurrences(lines: AsyncIterable<Int32Array> | Iterable<Int32Array>, options: CooccurrenceOptions): Promise<Cooccurrences> {
  const { window } = options;
  const table = new CooccurrenceTable(options.memoryBytes);
  const runs: RunFile[] = [];
  let spillDir: string | undefined;
  try {
    const spill = () => {
      spillDir ??= makeTempFolder('ctxembed-cooccur-', options.tmpDir);
      runs.push(writeRun(path.join(spillDir, `run-${runs.length}.bin`), table.drainSorted()));
    };
    for await (const ids of lines) {
      for (let j = 1; j < ids.length; j++) {
        const w2 = ids[j];
        for (let k = j - 1, lo = Math.max(0, j - window); k >= lo; k--) {
          const w1 = ids[k];
          const w = 1 / (j - k);
          if (w1 < w2) table.add(w1, w2, w);
          else if (w1 > w2) table.add(w2, w1, w);
          else table.add(w1, w1, 2 * w);
          if (table.full) spill();
        }
      }
    }
    if (runs.length === 0) return table.drainSorted();
    spill();
    return mergeRuns(runs, spillDir!);
  } catch (err) {
    if (err instanceof OutputError && spillDir) {
      throw new OutputError(`${err.message} (co-occurrence counts past the memory budget spill there: free some space, set TMPDIR to a larger disk, or raise --memory)`);
    }
    throw err;
  } finally {
    if (spillDir) removeTempFolder(spillDir);
  }
}
