/** Row-major Float64Array of a rows x cols matrix, each entry rounded to the model's format (parameters are p-bit too). */
export function flatten(
  m: readonly (readonly number[])[],
  rows: number,
  cols: number,
  round: (x: number) => number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = m[r]!;
    for (let c = 0; c < cols; c++) out[r * cols + c] = round(row[c]!);
  }
  return out;
}

export function roundedVector(v: readonly number[], round: (x: number) => number): Float64Array {
  return Float64Array.from(v, round);
}
