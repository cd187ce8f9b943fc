export type { FormatKind, NumberFormat } from "./format.js";
export { ieeeFormat, float64, float32, float16, bfloat16, type IeeeFormat } from "./ieee.js";
export { fixedFormat, type FixedFormat, type FixedRounding } from "./fixed.js";
export { parseFormat, FORMAT_NAMES_HELP } from "./parse.js";
export { arithFor, type Arith } from "./arith.js";
