/** L2 normalization of each row, in place; zero rows stay zero. */
export function normalizeRows(matrix: Float32Array, dim: number): Float32Array {
  for (let r = 0; r < matrix.length; r += dim) {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += matrix[r + k] * matrix[r + k];
    if (sq === 0) continue;
    const inv = 1 / Math.sqrt(sq);
    for (let k = 0; k < dim; k++) matrix[r + k] *= inv;
  }
  return matrix;
}
