/** The flags every benchmark takes: --quick (short budgets) and --out FILE (where the JSON goes, besides stdout). */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface BenchArgs {
  readonly quick: boolean;
  readonly out: string | undefined;
}

export function benchArgs(argv: readonly string[] = process.argv.slice(2)): BenchArgs {
  const at = argv.indexOf("--out");
  return { quick: argv.includes("--quick"), out: at >= 0 ? argv[at + 1] : undefined };
}

/** Print the result as JSON and, with --out, write the same text there (creating bench/results/ if needed). */
export function emit(result: unknown, args: BenchArgs): void {
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (args.out !== undefined) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, text);
  }
  process.stdout.write(text);
}
