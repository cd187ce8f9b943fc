/** ccbound's library API: everything the CLI does, as typed functions. fast-check arbitraries: "ccbound/arbitraries". */
export * from "./errors.js";
export { VERSION } from "./version.js";
export { Rng } from "./random.js";
export * from "./numeric/index.js";
export * from "./cc/index.js";
export type * from "./models/spec.js";
export * from "./models/model.js";
export { compileModel, type Model } from "./models/compile.js";
export { greedyDecode, decodeFrom, feedbackIds } from "./models/decode.js";
export { randomModel, type RandomModelOptions } from "./models/random.js";
export { compileTransformer, type TransformerModel, type CompiledLayer } from "./models/transformer.js";
export { randomTransformer, type RandomTransformerOptions } from "./models/random-transformer.js";
export { exactSumFor, type ExactSum, type Accumulator } from "./numeric/exact-sum.js";
export * from "./tasks/index.js";
export * from "./reductions/index.js";
export { refute, refuteParallel, type RefuteOptions, type ParallelOptions } from "./refute/check.js";
export {
  planSearch,
  STRATEGIES,
  DEFAULT_MAX_POINTS,
  type Strategy,
  type SearchOptions,
  type SearchPlan,
} from "./refute/plan.js";
export { DEFAULT_BUDGET, defaultBudget } from "./refute/budget.js";
export { FEED_NAMES, type FeedName } from "./refute/portfolio/feed.js";
export type { Verdict, Applied, SearchReport } from "./refute/verdict.js";
export {
  reductionFor,
  applicableTheorem,
  archClassOf,
  type Reduction,
  type Applicability,
} from "./reductions/applies.js";
export { defaultWorkers } from "./refute/parallel/pool.js";
export { runShard, mergeShards, parseShard } from "./refute/parallel/shard.js";
export * as constructions from "./constructions/index.js";
export {
  CONSTRUCTIONS,
  constructionNamed,
  verifyWeights,
  type Construction,
  type BuiltConstruction,
  type ConstructionSize,
} from "./constructions/index.js";
export { lastTokenRunner, type LastTokenRunner } from "./models/kv-cache.js";
export { ZOO, zooEntry, type ZooEntry, type ZooParams } from "./zoo/index.js";
export { hashEquality, type HashEqualityOptions } from "./zoo/hash-equality.js";
export { countingDyck, type CountingDyckOptions } from "./zoo/counting-dyck.js";
export type { Finding, Collision } from "./refute/finding.js";
export { certificateOf, type Certificate } from "./refute/certificate.js";
export { verifyCertificate, type CertificateCheck } from "./refute/verify.js";
export { indexLookupDfa } from "./models/lookup-dfa.js";
export { dyckDfa } from "./models/dyck-dfa.js";
export { readModelFile, parseModelJson, validateModel, modelSha256, modelFileText } from "./io/model-file.js";
export { writeModelFile, type WrittenModel } from "./io/write-model.js";
export { readCertificateFile, parseCertificateJson, writeCertificate } from "./io/certificate.js";
export {
  parseSafetensors,
  readSafetensorsFile,
  safetensorsBytes,
  type SafetensorsFile,
  type SafetensorsTensor,
  type TensorToWrite,
} from "./io/safetensors.js";
export { readPytorchModel, importPytorchModel, type ImportFlags } from "./io/pytorch-import.js";
export { exportPytorchModel } from "./io/pytorch-export.js";
export { canonicalJson } from "./io/canonical.js";
export {
  RESULTS,
  RESULT_IDS,
  findResult,
  boundParams,
  summaryTable,
  SUMMARY_TABLE,
  lemma4Bits,
  PAPER,
  type RegistryResult,
  type Params as BoundParams,
  type Evaluation,
  type Quantity,
  type CodeLink,
  type TableRow,
} from "./registry/index.js";
export { parseWriteup, checkedOutputsSha256, type Writeup, type RecordedCommand } from "./report/writeup.js";
export { prove as proveWriteups, type WriteupReport, type Drift } from "./report/prove.js";
