import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { fail } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { MAX_WRITEUP_BYTES } from "../../io/limits.js";
import { readTextFile } from "../../io/read-file.js";
import { checkPinsCover, describeDrift, PACKAGE_ROOT, prove as proveWriteups, rerecord } from "../../report/prove.js";
import { PROVE_MARKER } from "../../report/sandbox.js";
import { parseWriteup, type Writeup } from "../../report/writeup.js";
import { EXIT } from "../exit.js";
import { escapeForTerminal } from "../print.js";

/** One line of the report: it quotes the writeup (paths, recorded lines), so what a terminal would act on is escaped. */
function say(line: string): void {
  process.stdout.write(`${escapeForTerminal(line)}\n`);
}

interface ProveOptions {
  update?: boolean;
}

export function registerProve(program: Command): void {
  program
    .command("prove")
    .description(
      "re-run the checked commands of writeups (default: every proofs/*.md) and fail on any difference from the recorded output",
    )
    .argument("[files...]", "writeups (Markdown)")
    .option("--update", "re-record the outputs and exit codes that differ (pins are never rewritten)")
    .action(async (files: string[], o: ProveOptions) => {
      process.exitCode = await prove(files, o);
    });
}

/** Every proofs/*.md of the package, README.md included (its example block is checked too). */
function defaultWriteups(): string[] {
  const dir = join(PACKAGE_ROOT, "proofs");
  if (!existsSync(dir)) fail("invalid-input", "no writeups: this installation has no proofs/ directory", dir);
  const found = readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort();
  if (found.length === 0) fail("invalid-input", "no writeups in proofs/", dir);
  return found.map((f) => join(dir, f));
}

async function prove(files: string[], o: ProveOptions): Promise<number> {
  // the environment marker of a writeup's command (sandbox.ts): a writeup that re-ran itself would nest without end
  if (process.env[PROVE_MARKER] !== undefined)
    fail("invalid-input", "ccbound prove cannot run inside a writeup's checked command", "prove");
  const paths = files.length > 0 ? files.map((f) => resolve(f)) : defaultWriteups();
  const shown = (p: string) => relative(process.cwd(), p) || p;
  // Parse every file before running anything: bad input is exit 2, whatever would have drifted.
  const writeups: Writeup[] = paths.map((p) => {
    const w = parseWriteup(readTextFile(p, MAX_WRITEUP_BYTES), shown(p));
    checkPinsCover(w);
    return w;
  });
  const reports = await proveWriteups(writeups);
  let drifted = 0;
  let updated = 0;
  let commands = 0;
  for (const r of reports) {
    const path = r.writeup.path;
    commands += r.runs.length;
    const pinned = r.writeup.pins.length;
    const what = `${r.runs.length} command${r.runs.length === 1 ? "" : "s"}, ${pinned} pinned file${pinned === 1 ? "" : "s"}`;
    const outputDrift = r.drifts.some((d) => d.kind !== "pin");
    const pinDrift = r.drifts.some((d) => d.kind === "pin");
    if (o.update && outputDrift) {
      writeFileAtomic(paths[reports.indexOf(r)]!, rerecord(r.writeup, r.runs));
      say(`updated  ${path}  ${what}`);
      updated += 1;
    }
    if (r.drifts.length === 0) {
      say(`ok       ${path}  ${what}`);
      continue;
    }
    if (o.update && !pinDrift) continue;
    drifted += 1;
    say(`DRIFT    ${path}  ${what}`);
    for (const d of r.drifts)
      if (!o.update || d.kind === "pin") for (const line of describeDrift(path, d)) say(`  ${line}`);
  }
  const n = reports.length;
  const summary =
    drifted > 0
      ? `${drifted} of ${n} writeup${n === 1 ? "" : "s"} drifted (${commands} commands run)`
      : updated > 0
        ? `${n} writeup${n === 1 ? "" : "s"}, ${commands} command${commands === 1 ? "" : "s"}: ${updated} re-recorded, review the diff`
        : `${n} writeup${n === 1 ? "" : "s"}, ${commands} command${commands === 1 ? "" : "s"}: every recorded output matches`;
  say(summary);
  return drifted === 0 ? EXIT.ok : EXIT.refuted;
}
