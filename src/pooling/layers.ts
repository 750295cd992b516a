/** Several layers' states of the same tokens combined into one matrix. */

export type LayerAggregation = 'mean' | 'sum' | 'concat';
export const LAYER_AGGREGATIONS: readonly LayerAggregation[] = ['mean', 'sum', 'concat'];

export function combinedDim(agg: LayerAggregation, layers: number, dim: number): number {
  return agg === 'concat' ? layers * dim : dim;
}

/** @param layers one [rows x dim] matrix per layer, all the same shape */
export function combineLayers(layers: Float32Array[], dim: number, agg: LayerAggregation): Float32Array {
  if (layers.length === 1) return layers[0];
  const rows = layers[0].length / dim;
  if (agg === 'concat') {
    const outDim = layers.length * dim;
    const out = new Float32Array(rows * outDim);
    for (let r = 0; r < rows; r++) {
      for (let l = 0; l < layers.length; l++) out.set(layers[l].subarray(r * dim, (r + 1) * dim), r * outDim + l * dim);
    }
    return out;
  }
  const out = new Float32Array(layers[0].length);
  for (const layer of layers) for (let i = 0; i < out.length; i++) out[i] += layer[i];
  if (agg === 'mean') for (let i = 0; i < out.length; i++) out[i] /= layers.length;
  return out;
}
