/** Small helpers for reporting: medians over seeds and readable powers of two. */

/** The median (the lower middle for an even count; so it is always one of the measured values). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Milliseconds to 0.01 ms, as stored in the JSON (searches that find an error in a few runs take well under 1 ms). */
export function millis(ms: number): number {
  return Number(ms.toFixed(2));
}

/** A duration for a table: "0.42 ms", "35 ms", "1.2 s", "6.6 min". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** 2^x as a number while exact enough to print in full, else as "2^x". */
export function powerOfTwo(x: number, plusOne = false): string {
  if (x <= 40) return (2 ** x + (plusOne ? 1 : 0)).toLocaleString("en-US", { maximumFractionDigits: 0 });
  return `2^${Number.isInteger(x) ? x : x.toFixed(1)}${plusOne ? " + 1" : ""}`;
}

/** A count with thousands separators. */
export function count(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}
