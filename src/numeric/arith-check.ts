/** Bounds checks done once per call, so the loops can read typed arrays without silently producing NaN. */
export function checkDot(w: Float64Array, r: number, cols: number, v: Float64Array, vOffset: number): void {
  if (!((r + 1) * cols <= w.length && r >= 0 && vOffset >= 0 && vOffset + cols <= v.length)) {
    throw new RangeError(
      `dotRow: row ${r} of ${cols} columns or vector offset ${vOffset} out of range (w ${w.length}, v ${v.length})`,
    );
  }
}

export function checkMatVec(
  w: Float64Array,
  rows: number,
  cols: number,
  v: Float64Array,
  bias: Float64Array | null,
  out: Float64Array,
  outOffset: number,
  vOffset: number,
): void {
  const ok =
    rows >= 0 &&
    cols >= 0 &&
    rows * cols <= w.length &&
    vOffset >= 0 &&
    vOffset + cols <= v.length &&
    outOffset >= 0 &&
    outOffset + rows <= out.length &&
    (bias === null || rows <= bias.length);
  if (!ok)
    throw new RangeError(
      `matVec: shapes out of range (${rows}x${cols}, w ${w.length}, v ${v.length} at ${vOffset}, out ${out.length} at ${outOffset}, bias ${bias?.length ?? "none"})`,
    );
}
