/**
 * The tables of docs/model-format.md that list what the registries hold (architectures, cells, Transformer blocks),
 * rendered from the descriptors and their schemas' descriptions, so the docs cannot drift from the code:
 * scripts/gen-schema.ts writes them between `<!-- generated: NAME -->` and `<!-- end generated -->`, and
 * test/io/model-format-doc.test.ts checks the committed doc holds what it would write.
 */
import * as z from "zod";
import { ARCHS } from "./archs/index.js";
import { BLOCKS } from "./blocks/index.js";
import { CELLS } from "./cells/index.js";

/** A table cell's text: a `|` would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A field as the cell table lists it: its name, its values when it is an enumeration, and its description. */
function field(key: string, schema: z.ZodType): string {
  const values =
    schema instanceof z.ZodEnum ? ` (${schema.options.map((v) => `\`"${String(v)}"\``).join(" or ")})` : "";
  return `\`${key}\`${values}: ${cell(schema.description ?? "")}`;
}

export function archTable(): string {
  return table(
    ["`arch`", "what it is"],
    ARCHS.map((a) => [`\`"${a.name}"\``, cell(a.about)]),
  );
}

export function cellTable(): string {
  return table(
    ["`cell`", "what it is", "fields after `cell`, in file order"],
    CELLS.map((c) => {
      const shape = (c.schema as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
      const fields = Object.entries(shape).filter(([key]) => key !== "cell");
      return [`\`${c.name}\``, cell(c.about), fields.map(([key, s]) => field(key, s)).join("; ")];
    }),
  );
}

export function blockTable(): string {
  return table(
    ["block", "`block` field", "what it is"],
    BLOCKS.map((b, i) => [b.name, i === 0 ? "none (the default)" : `\`"${b.name}"\``, cell(b.about)]),
  );
}

/** The generated regions of docs/model-format.md, by name. */
export function modelFormatTables(): Record<string, string> {
  return { archs: archTable(), cells: cellTable(), blocks: blockTable() };
}

/** The doc with every generated region replaced by its current table; a region the doc lacks is an error. */
export function withGeneratedTables(doc: string, tables: Readonly<Record<string, string>>): string {
  let out = doc;
  for (const [name, content] of Object.entries(tables)) {
    const start = `<!-- generated: ${name} -->`;
    const end = "<!-- end generated -->";
    const at = out.indexOf(start);
    const until = out.indexOf(end, at);
    if (at < 0 || until < 0) throw new Error(`the doc has no region "${start}" ... "${end}"`);
    out = `${out.slice(0, at + start.length)}\n${content}\n${out.slice(until)}`;
  }
  return out;
}
