import { fail } from "../errors.js";
import type { Construction, ConstructionName } from "./construction.js";
import { disjointnessConstruction } from "./disjointness.js";
import { dyckRnn } from "./dyck-rnn.js";
import { equalityConstruction } from "./equality.js";
import { indexLookupRnn } from "./index-lookup-rnn.js";
import { indexLookupConstruction } from "./index-lookup.js";
import { assocRecallConstruction, nearestNeighborConstruction } from "./nearest-neighbor.js";
import { thresholdConstruction } from "./threshold.js";
import { inductionHeadsConstruction } from "./induction-heads.js";

export * from "./construction.js";
export * from "./positional.js";
export { verifyWeights, type ConstructionCheck, type VerifyOptions, type VerifyMode } from "./verify.js";
export { measuredSize } from "./size.js";
export { thresholdPlan, thresholdSpec, halvesInstance, type ThresholdInstance } from "./threshold.js";
export {
  indexLookupConstruction,
  equalityConstruction,
  thresholdConstruction,
  disjointnessConstruction,
  nearestNeighborConstruction,
  assocRecallConstruction,
  dyckRnn,
  indexLookupRnn,
  inductionHeadsConstruction,
};

/** Every construction `ccbound construct NAME` builds, in the order of the paper's summary table. */
export const CONSTRUCTIONS: readonly Construction[] = [
  indexLookupConstruction,
  indexLookupRnn,
  assocRecallConstruction,
  nearestNeighborConstruction,
  equalityConstruction,
  thresholdConstruction,
  disjointnessConstruction,
  dyckRnn,
  inductionHeadsConstruction,
];

export function constructionNamed(name: string): Construction {
  return (
    CONSTRUCTIONS.find((c) => c.name === name) ??
    fail("invalid-flag", `no construction "${name}"`, "NAME", `one of ${CONSTRUCTIONS.map((c) => c.name).join(", ")}`)
  );
}

export const CONSTRUCTION_NAMES = CONSTRUCTIONS.map((c) => c.name) as readonly ConstructionName[];
