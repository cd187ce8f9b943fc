/**
 * Seeded mutations of a real state dict's pickle (PyTorch 1.13's lstm-1.pt, re-zipped with correct CRCs so the pickle
 * itself is what breaks): every mutant is read or refused with a CcboundError, never a crash, a hang or a run import.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { parsePt } from "../../src/io/pt/read.js";
import { readZip } from "../../src/io/pt/zip.js";
import { zipBytes } from "./pt-build.js";

const entries = readZip(readFileSync("test/fixtures/pt/lstm-1.pt"), "lstm-1.pt");
const pickle = entries.get("lstm-1/data.pkl")!;

function withPickle(p: Uint8Array): Uint8Array {
  return zipBytes([...entries].map(([name, data]) => ({ name, data: name.endsWith("data.pkl") ? p : data })));
}

it("the unmutated pickle re-zipped reads", () => {
  expect(parsePt(withPickle(pickle), "m.pt").tensors.size).toBe(7);
});

it("1 to 4 bytes of the pickle changed, inserted or deleted: read or one CcboundError, fast", () => {
  const edit = fc.record({
    at: fc.nat({ max: pickle.length - 1 }),
    kind: fc.constantFrom("set", "insert", "delete"),
    value: fc.integer({ min: 0, max: 255 }),
  });
  let refused = 0;
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      const bytes = [...pickle];
      for (const e of edits) {
        const at = Math.min(e.at, bytes.length - 1);
        if (e.kind === "set") bytes[at] = e.value;
        else if (e.kind === "insert") bytes.splice(at, 0, e.value);
        else bytes.splice(at, 1);
      }
      const t = Date.now();
      try {
        parsePt(withPickle(Uint8Array.from(bytes)), "m.pt");
      } catch (error) {
        if (!(error instanceof CcboundError)) throw error;
        expect(error.oneLine()).not.toContain("\n");
        refused++;
      }
      expect(Date.now() - t).toBeLessThan(500);
    }),
    { seed: 3, numRuns: 1000 },
  );
  expect(refused).toBeGreaterThan(500); // most mutants break something, and each was caught as one line
});
