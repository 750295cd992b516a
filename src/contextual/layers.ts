/**
 * Intermediate layers. Hidden state 0 is the embeddings' output, state i (1..L) the output of
 * encoder layer i. Their tensors are found in the ONNX graph by its structure when the model is
 * loaded (see graph.ts); asking for states other than the exported outputs cuts the graph down
 * to exactly those states.
 */
import { UsageError } from '../errors';
import { ContextualModel } from './model';
import { selectStates } from './session';

/**
 * Parses `--layers`: `-1` (default), a comma list such as `-4,-3,-2,-1` or `0,6,12`, or `all`.
 * @returns hidden-state indices in 0..numLayers, in the order given
 */
export function parseLayers(spec: string | number | undefined, numLayers: number): number[] {
  const text = String(spec ?? '-1').trim();
  if (text === 'all') return Array.from({ length: numLayers + 1 }, (_, i) => i);
  const out = text.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n > numLayers || n < -(numLayers + 1)) {
      throw new UsageError(`--layers ${text}: each entry must be an integer in [${-(numLayers + 1)}, ${numLayers}] (0 is the embeddings, ${numLayers} or -1 the last layer), or 'all'`);
    }
    return n < 0 ? numLayers + 1 + n : n;
  });
  if (new Set(out).size !== out.length) throw new UsageError(`--layers ${text} names a layer twice`);
  return out;
}

/** Makes the model's encoder return the hidden states `indices` (see parseLayers), in that order. */
export async function exposeLayers(model: ContextualModel, indices: number[]): Promise<void> {
  await selectStates(model, indices);
}

/** `-1`, a comma list such as `0,6,12`, `all` (see parseLayers), or hidden-state indices (negative from the end). */
export type LayerSelection = string | number | number[];

/** Resolves `layers` and makes the model's encoder return those hidden states, in that order. */
export async function selectLayers(model: ContextualModel, layers: LayerSelection = '-1'): Promise<number[]> {
  const indices = parseLayers(Array.isArray(layers) ? layers.join(',') : layers, model.numLayers);
  await exposeLayers(model, indices);
  return indices;
}
