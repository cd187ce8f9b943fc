/** `ccbound cite`: BibTeX for the paper and a citable reference to a writeup (its id, the tool version, its outputs' hash). */
import { PAPER, type Paper, type RegistryResult } from "../registry/index.js";
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

export function paperBibtex(paper: Paper = PAPER): string {
  const fields: [string, string | undefined][] = [
    ["author", paper.authors.map((a) => a.replace(/^(.*) (\S+)$/, "$2, $1")).join(" and ")],
    ["title", paper.title],
    ["booktitle", paper.booktitle],
    ["volume", paper.volume],
    ["pages", paper.pages],
    ["year", paper.year],
    ["eprint", paper.eprint],
    ["archivePrefix", paper.archivePrefix],
    ["url", paper.url],
  ];
  return bibtexEntry(
    paper.type,
    paper.key,
    fields.filter((f): f is [string, string] => f[1] !== undefined),
  );
}

/** The papers a result is from: its own sources, or the paper ccbound executes. */
export function sourcesOf(result: RegistryResult): readonly Paper[] {
  return result.sources ?? [PAPER];
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
      `{ccbound} writeup {${result.id}}: ${result.name} of ${sourcesOf(result)
        .map((p) => p.citedAs)
        .join(" and ")}, checked by execution`,
    ],
    ["howpublished", `ccbound ${version}, ${result.writeup}`],
    [
      "note",
      `Writeup ${result.id}, ccbound ${version}, checked outputs SHA-256 ${sha256}; re-run with: ccbound prove ${result.writeup}; ${papersLine(sourcesOf(result))}`,
    ],
  ]);
  return { key, sha256, bibtex };
}

/** "the paper is arXiv:X" or "the papers are arXiv:X, arXiv:Y". */
function papersLine(papers: readonly Paper[]): string {
  const ids = papers.map((p) => `arXiv:${p.eprint}`).join(", ");
  return papers.length === 1 ? `the paper is ${ids}` : `the papers are ${ids}`;
}
