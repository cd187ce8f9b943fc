/**
 * Where each benchmark's JSON goes: bench/results/NAME.json for a full run (tracked: the README's tables come from
 * them), bench/results/quick/NAME.json for --quick (ignored by git, so a short run changes nothing git tracks).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "results");
/** --quick results: a directory .gitignore names. */
export const QUICK_DIR = join(RESULTS_DIR, "quick");

export function resultPath(name: string, quick: boolean): string {
  return join(quick ? QUICK_DIR : RESULTS_DIR, `${name}.json`);
}
