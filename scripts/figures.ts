/**
 * The separation figures of proofs/ (issue 6): for each task, the paper's lower bounds, evaluated exactly by the
 * registry (src/registry), against the size of ccbound's construction, read off the weights it builds
 * (`construction.build(N).size`), for N = 2^4 .. 2^16 on log scales. Rendered by Vega-Lite and Vega to SVG, headless
 * (no canvas), so the same code gives the same bytes on every run.
 *
 *   npx tsx scripts/figures.ts [--out proofs/figures]
 *
 * Each figure has two panels:
 * - width: the least width (times heads, where the bound is on mH) a lower bound allows, evaluated at the precision p
 *   of the construction at that N, against the construction's width x heads (width = max(m, d), Sec. 2);
 * - bits: the same bounds times p (mp, mpH), against the construction's width x heads x p and all its parameter bits
 *   (every weight and embedding, the N-row position table included).
 * The data behind every point goes to data.json beside the SVGs.
 *
 * Sizes are those of the built weights; which N the weights are verified at is said in each writeup, not here.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import {
  disjointnessConstruction,
  dyckRnn,
  equalityConstruction,
  indexLookupConstruction,
  nearestNeighborConstruction,
  type ConstructionSize,
} from "../src/constructions/index.js";
import { boundParams, findResult } from "../src/registry/index.js";

const EXPONENTS = Array.from({ length: 13 }, (_, i) => i + 4); // N = 2^4 .. 2^16
const DYCK_TRANSFORMER_P = 32;

type Kind = "lower bound" | "built" | "paper's formula";
type Panel = "width" | "bits";

interface Point {
  readonly panel: Panel;
  readonly series: string;
  readonly kind: Kind;
  readonly n: number;
  readonly value: number;
  /** The precision the value is at, where it has one. */
  readonly p?: number;
}

interface Figure {
  readonly file: string;
  readonly title: string;
  readonly subtitle: readonly string[];
  readonly xTitle: string;
  readonly widthTitle: readonly string[];
  readonly bitsTitle: readonly string[];
  readonly points: readonly Point[];
}

/** The least integer value of one quantity of a registry result evaluated at N and p. */
function least(id: string, quantity: string, n: number, p: number): number {
  const result = findResult(id);
  if (!result?.evaluate) throw new Error(`registry: ${id} has no evaluation`);
  const e = result.evaluate(boundParams({ n, p }));
  if (!e.applicable) throw new Error(`registry: ${id} does not apply at N = ${n}, p = ${p}: ${e.why}`);
  const q = e.quantities.find((x) => x.quantity === quantity);
  if (!q) throw new Error(`registry: ${id} has no quantity ${quantity}`);
  return Number(q.least);
}

/** The construction's own points: width x heads, width x heads x p, all parameter bits. */
function builtPoints(name: string, n: number, size: ConstructionSize, recurrent = false): Point[] {
  const wh = size.width * Math.max(size.heads, 1);
  const p = size.precision;
  const one = size.layers > 1 ? "1 head per layer" : "1 head";
  const what = recurrent ? "width (units)" : size.heads > 1 ? `width × ${size.heads} heads` : `width (${one})`;
  const bits = recurrent ? "state bits mp" : size.heads > 1 ? `width × ${size.heads} heads × p` : "width × p";
  return [
    { panel: "width", series: `${name}, built: ${what}`, kind: "built", n, value: wh, p },
    { panel: "bits", series: `${name}, built: ${bits}`, kind: "built", n, value: wh * p, p },
    {
      panel: "bits",
      series: `${name}, built: all parameter bits${recurrent ? "" : " (with the position table)"}`,
      kind: "built",
      n,
      value: size.parameterBits,
      p,
    },
  ];
}

function pRange(points: readonly Point[]): string {
  const ps = points.filter((x) => x.kind === "built").map((x) => x.p!);
  const lo = Math.min(...ps);
  const hi = Math.max(...ps);
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
}

const WIDTH_TITLE = ["width (× heads), in values of p bits", "p = the construction's precision at that N"];
const BITS_TITLE = ["bits", "(p = the construction's precision at that N)"];

function indexLookupFigure(): Figure {
  const points = EXPONENTS.flatMap((e) => {
    const n = 2 ** e;
    const size = indexLookupConstruction.build(n).size;
    const p = size.precision;
    return [
      {
        panel: "width",
        series: "Theorem 3, recurrent: m ≥ N/p",
        kind: "lower bound",
        n,
        value: least("thm3", "m", n, p),
        p,
      },
      {
        panel: "bits",
        series: "Theorem 3, recurrent: state bits mp ≥ N",
        kind: "lower bound",
        n,
        value: least("thm3", "mp", n, p),
        p,
      },
      ...builtPoints("Theorem 1", n, size),
      {
        panel: "width",
        series: "Theorem 1, the paper's formula: d = 1 + 2⌈128 ln 2N⌉",
        kind: "paper's formula",
        n,
        value: least("thm1", "width", n, p),
      },
    ] satisfies Point[];
  });
  return {
    file: "index-lookup.svg",
    title: "Index lookup: Theorem 3 (recurrent, lower) vs Theorem 1 (one-layer Transformer, built)",
    subtitle: [
      `Lower bound from the registry at the construction's precision p (${pRange(points)} bits); sizes read off the built weights (binary code, hard attention).`,
    ],
    xTitle: "N (symbols before the query)",
    widthTitle: WIDTH_TITLE,
    bitsTitle: BITS_TITLE,
    points,
  };
}

/** EQ and DISJ: a recurrent bound (mp >= N/2) and a one-layer bound (mH >= N/(6(p + log N))) against a two-layer construction. */
function halvesFigure(
  file: string,
  title: string,
  recurrent: [string, string],
  oneLayer: [string, string],
  construction: typeof equalityConstruction,
  builtName: string,
): Figure {
  const points = EXPONENTS.flatMap((e) => {
    const n = 2 ** e;
    const size = construction.build(n).size;
    const p = size.precision;
    const mH = least(oneLayer[0], "mH", n, p);
    return [
      {
        panel: "width",
        series: `${recurrent[1]}, recurrent: m ≥ N/(2p)`,
        kind: "lower bound",
        n,
        value: least(recurrent[0], "m", n, p),
        p,
      },
      {
        panel: "bits",
        series: `${recurrent[1]}, recurrent: state bits mp ≥ N/2`,
        kind: "lower bound",
        n,
        value: least(recurrent[0], "mp", n, p),
        p,
      },
      {
        panel: "width",
        series: `${oneLayer[1]}, one layer: mH ≥ N/(6(p + log N))`,
        kind: "lower bound",
        n,
        value: mH,
        p,
      },
      {
        panel: "bits",
        series: `${oneLayer[1]}, one layer: mpH ≥ p ⌈N/(6(p + log N))⌉`,
        kind: "lower bound",
        n,
        value: mH * p,
        p,
      },
      ...builtPoints(builtName, n, size),
    ] satisfies Point[];
  });
  return {
    file,
    title,
    subtitle: [
      `Lower bounds from the registry at the construction's precision p (${pRange(points)} bits); sizes read off the built weights (binary code, hard attention).`,
    ],
    xTitle: "N (input bits, two halves of N/2)",
    widthTitle: WIDTH_TITLE,
    bitsTitle: BITS_TITLE,
    points,
  };
}

function nearestNeighborFigure(): Figure {
  const points = EXPONENTS.flatMap((e) => {
    const n = 2 ** e; // the theorem's N: the 2n tokens before the query
    const size = nearestNeighborConstruction.build(n / 2).size;
    const p = size.precision;
    return [
      {
        panel: "width",
        series: "Theorem 8, recurrent: m ≥ N/(2p)",
        kind: "lower bound",
        n,
        value: least("thm8", "m", n, p),
        p,
      },
      {
        panel: "bits",
        series: "Theorem 8, recurrent: state bits mp ≥ N/2",
        kind: "lower bound",
        n,
        value: least("thm8", "mp", n, p),
        p,
      },
      ...builtPoints("Theorem 7", n, size),
    ] satisfies Point[];
  });
  return {
    file: "nearest-neighbor.svg",
    title: "Nearest neighbour: Theorem 8 (recurrent, lower) vs Theorem 7 (two-layer Transformer, built)",
    subtitle: [
      `Lower bound from the registry at the construction's precision p (${pRange(points)} bits); sizes read off the built weights (N/2 pairs, keys of dimension ⌈log2(N/2)⌉).`,
    ],
    xTitle: "N = 2n (tokens before the query: n key–label pairs)",
    widthTitle: WIDTH_TITLE,
    bitsTitle: BITS_TITLE,
    points,
  };
}

function dyckFigure(): Figure {
  const points = EXPONENTS.flatMap((e) => {
    const n = 2 ** e;
    const size = dyckRnn.build(n).size;
    const p = size.precision;
    const at = (q: number) => least("thm5", "mH", n, q);
    return [
      {
        panel: "width",
        series: `Theorem 5, one layer: mH ≥ (N − 1)/(3(p + log N)), p = ${p} (the RNN's)`,
        kind: "lower bound",
        n,
        value: at(p),
        p,
      },
      {
        panel: "width",
        series: `Theorem 5, one layer: mH ≥ (N − 1)/(3(p + log N)), p = ${DYCK_TRANSFORMER_P}`,
        kind: "lower bound",
        n,
        value: at(DYCK_TRANSFORMER_P),
        p: DYCK_TRANSFORMER_P,
      },
      {
        panel: "bits",
        series: `Theorem 5, one layer: mpH ≥ p ⌈(N − 1)/(3(p + log N))⌉, p = ${p}`,
        kind: "lower bound",
        n,
        value: at(p) * p,
        p,
      },
      {
        panel: "bits",
        series: `Theorem 5, one layer: mpH ≥ p ⌈(N − 1)/(3(p + log N))⌉, p = ${DYCK_TRANSFORMER_P}`,
        kind: "lower bound",
        n,
        value: at(DYCK_TRANSFORMER_P) * DYCK_TRANSFORMER_P,
        p: DYCK_TRANSFORMER_P,
      },
      ...builtPoints("Dyck RNN", n, size, true),
      {
        panel: "bits",
        series: "Dyck RNN, the paper (App. E): ⌈log2 7⌉ = 3 state bits",
        kind: "paper's formula",
        n,
        value: least("dyck-rnn", "mp", n, p),
      },
    ] satisfies Point[];
  });
  return {
    file: "dyck.svg",
    title: "Dyck-(2,2): Theorem 5 (one-layer Transformer, lower) vs App. E (constant-size RNN, built)",
    subtitle: [
      "Lower bound from the registry at the RNN's precision p = 2 and at p = 32; the RNN's size read off its built weights (one Elman layer, fixed:1.0).",
    ],
    xTitle: "N (brackets)",
    widthTitle: ["width (× heads), in values of p bits", "(p as in each series' name)"],
    bitsTitle: ["bits"],
    points,
  };
}

/** One panel of a horizontal concatenation, as Vega-Lite's own types have it. */
type PanelSpec = Extract<TopLevelSpec, { hconcat: unknown }>["hconcat"][number];

const KIND_DASH: Record<Kind, number[]> = { "lower bound": [6, 3], built: [1, 0], "paper's formula": [2, 2] };
const LOWER_COLORS = ["#c0392b", "#e67e22", "#8e44ad"];
const BUILT_COLORS = ["#1f5fa8", "#16a085", "#2c3e50"];
const PAPER_COLOR = "#7f8c8d";

/** One panel: every series of the panel, coloured by kind (lower bounds warm, built cool, the paper's formula grey). */
function panelSpec(f: Figure, panel: Panel): PanelSpec {
  const points = f.points.filter((x) => x.panel === panel);
  const series = [...new Set(points.map((x) => x.series))];
  const kindOf = new Map(points.map((x) => [x.series, x.kind]));
  const counters = { "lower bound": 0, built: 0, "paper's formula": 0 };
  const colors = series.map((s) => {
    const kind = kindOf.get(s)!;
    const i = counters[kind]++;
    return kind === "lower bound" ? LOWER_COLORS[i % 3]! : kind === "built" ? BUILT_COLORS[i % 3]! : PAPER_COLOR;
  });
  const ns = EXPONENTS.map((e) => 2 ** e);
  const values = points.map((x) => x.value);
  const decades = [10 ** Math.floor(Math.log10(Math.min(...values)))];
  while (decades[decades.length - 1]! < Math.max(...values)) decades.push(decades[decades.length - 1]! * 10);
  return {
    width: 330,
    height: 260,
    data: { values: points.map((x) => ({ series: x.series, n: x.n, value: x.value })) },
    mark: { type: "line", point: { filled: true, size: 22 }, strokeWidth: 1.6, clip: true },
    encoding: {
      x: {
        field: "n",
        type: "quantitative",
        scale: { type: "log", base: 2, domain: [ns[0]!, ns[ns.length - 1]!], nice: false },
        axis: {
          title: f.xTitle,
          values: ns.filter((_, i) => i % 2 === 0),
          labelExpr: "'2^' + round(log(datum.value) / LN2)",
          grid: true,
        },
      },
      y: {
        field: "value",
        type: "quantitative",
        scale: { type: "log", base: 10, domain: [decades[0]!, decades[decades.length - 1]!], nice: false },
        axis: {
          title: [...(panel === "width" ? f.widthTitle : f.bitsTitle)],
          values: decades,
          format: "~s",
          grid: true,
        },
      },
      color: {
        field: "series",
        type: "nominal",
        scale: { domain: series, range: colors },
        legend: {
          title: null,
          orient: "bottom",
          direction: "vertical",
          labelLimit: 520,
          symbolType: "stroke",
          symbolStrokeWidth: 2,
        },
      },
      // The same field as color: Vega-Lite merges the two into one legend that shows colour and dash.
      strokeDash: {
        field: "series",
        type: "nominal",
        scale: { domain: series, range: series.map((s) => KIND_DASH[kindOf.get(s)!]) },
      },
      order: { field: "n", type: "quantitative" },
    },
  };
}

function figureSpec(f: Figure): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: f.title, subtitle: [...f.subtitle], anchor: "start", fontSize: 14, subtitleFontSize: 11 },
    background: "white",
    padding: 12,
    hconcat: [panelSpec(f, "width"), panelSpec(f, "bits")],
    spacing: 40,
    resolve: {
      scale: { color: "independent", strokeDash: "independent", y: "independent" },
      legend: { color: "independent" },
    },
    config: { font: "sans-serif", axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelFontSize: 10 } },
  };
}

/**
 * Text widths for the layout. Without a canvas Vega estimates 0.8 em for every character, which leaves wide empty
 * margins beside long legends; this uses Helvetica's advance widths (its AFM, in 1/1000 em) for ASCII and 0.65 em for
 * anything else, 8% more for bold, and 15% on top of that for wider sans-serif fonts (DejaVu Sans). Deterministic:
 * no font is read.
 */
const HELVETICA =
  "278,278,355,556,556,889,667,191,333,333,389,584,278,333,278,278,556,556,556,556,556,556,556,556,556,556,278,278,584,584,584,556,1015,667,667,722,722,667,611,778,722,278,500,667,556,833,722,778,667,778,722,667,611,722,667,944,667,667,611,278,278,278,469,556,333,556,556,500,556,556,278,556,556,222,222,500,222,833,556,556,556,556,333,500,278,556,500,722,500,500,500,334,260,334,584"
    .split(",")
    .map(Number);

function textWidth(item: { fontSize?: number; fontWeight?: string | number }, text: unknown): number {
  const size = item.fontSize ?? 11;
  const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600 ? 1.08 : 1;
  let em = 0;
  for (const c of String(text ?? "")) {
    const code = c.codePointAt(0)!;
    em += code >= 32 && code < 127 ? HELVETICA[code - 32]! / 1000 : 0.65;
  }
  return Math.ceil(em * size * bold * 1.15);
}

async function render(spec: TopLevelSpec): Promise<string> {
  // vega exports textMetrics at run time (vl-convert sets its width the same way), but its typings leave it out.
  (vega as unknown as { textMetrics: { width: typeof textWidth } }).textMetrics.width = textWidth;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--out");
  const out = at >= 0 ? args[at + 1]! : "proofs/figures";
  mkdirSync(out, { recursive: true });
  const figures: Figure[] = [
    indexLookupFigure(),
    halvesFigure(
      "equality.svg",
      "Equality: Theorems 11 and 12 (recurrent, one layer: lower) vs Theorem 6 (two layers, built)",
      ["thm11", "Theorem 11"],
      ["thm12", "Theorem 12"],
      equalityConstruction,
      "Theorem 6",
    ),
    halvesFigure(
      "disjointness.svg",
      "Disjointness: Sec. 4.2 (recurrent, one layer: lower) vs Theorem 13 (two layers, built)",
      ["disj-rnn", "DISJ"],
      ["disj-tf1", "DISJ"],
      disjointnessConstruction,
      "Theorem 13",
    ),
    nearestNeighborFigure(),
    dyckFigure(),
  ];
  for (const f of figures) {
    writeFileSync(join(out, f.file), await render(figureSpec(f)));
    console.log(`wrote ${join(out, f.file)} (${f.points.length} points)`);
  }
  const data = Object.fromEntries(figures.map((f) => [f.file, { title: f.title, points: f.points }]));
  writeFileSync(join(out, "data.json"), `${JSON.stringify(data, null, 1)}\n`);
  console.log(`wrote ${join(out, "data.json")}`);
}

await main();
