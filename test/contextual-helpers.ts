/** Shared helpers for the contextual-stage tests. */
import { ContextualModel, loadContextualModel, ModelOptions } from '../src/contextual/model';

/**
 * loadContextualModel with the working directory at '/' while it loads.
 *
 * Workaround for a bug in src/contextual/model.ts (see test/contextual-model-cwd.test.ts): it hands
 * Transformers.js the folder's path relative to '/', which Transformers.js 4 resolves against the
 * working directory. With cwd '/', both that and a fixed loader (an absolute path) work, so the
 * other tests test what they are about. Loads are serialized so no two overlap a chdir.
 */
let chain: Promise<unknown> = Promise.resolve();
export function loadModelAnyCwd(options: ModelOptions): Promise<ContextualModel> {
  const run = async () => {
    const cwd = process.cwd();
    process.chdir('/');
    try {
      return await loadContextualModel(options);
    } finally {
      process.chdir(cwd);
    }
  };
  const p = chain.then(run, run);
  chain = p.catch(() => undefined);
  return p;
}

/** A seeded uniform [0, 1) generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
