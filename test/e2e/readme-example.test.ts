// The README's library example, verbatim: it must keep working for users who import the published package.
import fc from "fast-check";
import { expect, it } from "vitest";
import { indexLookup, refute, stateBits } from "ccbound";
import { arbitraryRecurrentModel } from "ccbound/arbitraries";

it("every recurrent model with fewer than N state bits is refuted on index lookup", () => {
  const task = indexLookup(20);
  fc.assert(
    fc.property(arbitraryRecurrentModel({ task, maxStateBits: 20 }), ({ model }) => {
      expect(stateBits(model)).toBeLessThan(20);
      expect(refute(model, task).kind).toBe("refuted");
    }),
    { seed: 1, numRuns: 50 },
  );
});
