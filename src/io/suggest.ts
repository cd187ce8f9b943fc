/**
 * "Did you mean" for typos: a strict schema catches `weight_hhh`, and the message should name `weight_hh`.
 */
import * as z from "zod";

/** Every object key a schema can accept, at any depth: the words a typo is compared against. */
export function fieldNames(schema: z.ZodType, out = new Set<string>()): Set<string> {
  if (schema instanceof z.ZodObject) {
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      out.add(key);
      fieldNames(field, out);
    }
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options as readonly z.ZodType[]) fieldNames(option, out);
  } else if (schema instanceof z.ZodArray) {
    fieldNames(schema.element as z.ZodType, out);
  } else if (schema instanceof z.ZodOptional) {
    fieldNames(schema.unwrap() as z.ZodType, out);
  } else if (schema instanceof z.ZodRecord) {
    fieldNames(schema.valueType as z.ZodType, out);
  } else if (schema instanceof z.ZodTuple) {
    for (const item of schema.def.items as readonly z.ZodType[]) fieldNames(item, out);
  }
  return out;
}

/** The candidate nearest to `word`, if it is near enough to be a typo of it (edits: insert, delete, change, swap). */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = word.length >= 5 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === word.toLowerCase() ? 0.5 : editDistance(word, candidate);
    if (d < bestDistance && candidate !== word) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return Infinity; // only near misses matter
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i += 1) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j += 1) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Infinity;
}
