/** 1-nearest-centroid: each class is the mean of its training rows; a row goes to the class whose mean is nearest by cosine. */
import type { FeatureMatrix } from './feature-matrix';

export function nearestCentroidPredictions(x: FeatureMatrix, train: Int32Array, test: Int32Array, labels: Int32Array, classes: number): Int32Array {
  const { dim, data } = x;
  const centroids = new Float64Array(classes * dim);
  const present = new Uint8Array(classes);
  for (const r of train) {
    present[labels[r]] = 1;
    const o = labels[r] * dim;
    for (let j = 0; j < dim; j++) centroids[o + j] += data[r * dim + j];
  }
  // unit centroids: the cosine's ranking is then the dot product's (the row's own norm is common to all)
  for (let c = 0; c < classes; c++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += centroids[c * dim + j] ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dim; j++) centroids[c * dim + j] *= inv;
  }
  return Int32Array.from(test, (r) => {
    let best = 0;
    let top = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += data[r * dim + j] * centroids[c * dim + j];
      // a class absent from the training rows has no centroid
      if (s > top && present[c]) {
        top = s;
        best = c;
      }
    }
    return best;
  });
}
