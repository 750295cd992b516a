/** Features of a probe: one row per example, in a shared buffer so worker threads read it in place. */

/** n rows of `dim` features, row-major. */
export interface FeatureMatrix {
  rows: number;
  dim: number;
  data: Float32Array;
}

export function featureMatrix(rows: number, dim: number): FeatureMatrix {
  return { rows, dim, data: new Float32Array(new SharedArrayBuffer(rows * dim * 4)) };
}
