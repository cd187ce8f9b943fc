import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { fail } from "../../errors.js";
import { MAX_WRITEUP_BYTES } from "../../io/limits.js";
import { readTextFile } from "../../io/read-file.js";
import { closest } from "../../io/suggest.js";
import { findResult, RESULT_IDS } from "../../registry/index.js";
import { paperBibtex, sourcesOf, writeupBibtex } from "../../report/cite.js";
import { PACKAGE_ROOT } from "../../report/prove.js";
import { parseWriteup } from "../../report/writeup.js";
import { VERSION } from "../../version.js";
import { printText } from "../print.js";

export function registerCite(program: Command): void {
  program
    .command("cite")
    .description(
      "BibTeX for the paper and a citable reference to a result's writeup (tool version, SHA-256 of its checked outputs)",
    )
    .argument("<id>", "a result: thm3, prop9, lemma4, cor8.1, ... (ccbound bounds lists them by name)")
    .action((id: string) => cite(id));
}

function cite(id: string): void {
  const result = findResult(id);
  if (!result) {
    const near = closest(id.toLowerCase(), RESULT_IDS);
    fail(
      "invalid-flag",
      `no result "${id}" in the registry`,
      "cite",
      near ? `did you mean ${near}?` : `one of ${RESULT_IDS.join(", ")}`,
    );
  }
  const paper = sourcesOf(result)
    .map((p) => paperBibtex(p))
    .join("\n");
  const path = join(PACKAGE_ROOT, result.writeup);
  if (!existsSync(path)) {
    printText(paper);
    process.stderr.write(
      `ccbound: ${result.name} has no writeup yet (${result.writeup}); the entry above cites the paper\n`,
    );
    return;
  }
  const writeup = parseWriteup(readTextFile(path, MAX_WRITEUP_BYTES), result.writeup);
  // stdout is BibTeX only (`ccbound cite thm3 >> refs.bib`); the writeup's entry carries its id, version and hash.
  printText(`${paper}\n${writeupBibtex(result, writeup, VERSION).bibtex}`);
}
