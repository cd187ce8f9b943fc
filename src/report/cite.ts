/** `ccbound cite`: BibTeX for the paper and a citable reference to a writeup (its id, the tool version, its outputs' hash). */
import { PAPER, type RegistryResult } from "../registry/index.js";
import { checkedOutputsSha256, type Writeup } from "./writeup.js";

/** A BibTeX field value in braces: braces in the text must balance, so unbalanced ones are dropped. */
function braced(value: string): string {
  let depth = 0;
  let out = "";
  for (const c of value) {
    if (c === "{") depth += 1;
    if (c === "}") {
      if (depth === 0) continue;
      depth -= 1;
    }
    out += c;
  }
  return `{${out}${"}".repeat(depth)}}`;
}

export function bibtexEntry(type: string, key: string, fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([k]) => k.length));
  const body = fields.map(([k, v]) => `  ${k.padEnd(width)} = ${braced(v)}`).join(",\n");
  return `@${type}{${key},\n${body}\n}\n`;
}

export function paperBibtex(): string {
  return bibtexEntry(PAPER.type, PAPER.key, [
    ["author", PAPER.authors.map((a) => a.replace(/^(.*) (\S+)$/, "$2, $1")).join(" and ")],
    ["title", PAPER.title],
    ["booktitle", PAPER.booktitle],
    ["volume", PAPER.volume],
    ["pages", PAPER.pages],
    ["year", PAPER.year],
    ["eprint", PAPER.eprint],
    ["archivePrefix", PAPER.archivePrefix],
    ["url", PAPER.url],
  ]);
}

export interface WriteupCitation {
  readonly key: string;
  readonly sha256: string;
  readonly bibtex: string;
}

/** A @misc entry for a writeup: what it checks, with which tool version, and the SHA-256 of its checked outputs. */
export function writeupBibtex(result: RegistryResult, writeup: Writeup, version: string): WriteupCitation {
  const sha256 = checkedOutputsSha256(writeup);
  const key = `ccbound-${result.id}`;
  const bibtex = bibtexEntry("misc", key, [
    [
      "title",
      `{ccbound} writeup {${result.id}}: ${result.name} of Bhattamishra, Hahn, Blunsom and Kanade (2024), checked by execution`,
    ],
    ["howpublished", `ccbound ${version}, ${result.writeup}`],
    [
      "note",
      `Writeup ${result.id}, ccbound ${version}, checked outputs SHA-256 ${sha256}; re-run with: ccbound prove ${result.writeup}; the paper is arXiv:${PAPER.eprint}`,
    ],
  ]);
  return { key, sha256, bibtex };
}
