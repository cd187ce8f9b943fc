/**
 * Where each benchmark's JSON goes: bench/results/NAME.json for a full run, NAME.quick.json for --quick, so a short
 * run never overwrites the figures the README's tables come from.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "results");

export function resultPath(name: string, quick: boolean): string {
  return join(RESULTS_DIR, `${name}${quick ? ".quick" : ""}.json`);
}
