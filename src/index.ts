/** ccbound's library API: everything the CLI does, as typed functions. fast-check arbitraries: "ccbound/arbitraries". */
export * from "./errors.js";
export { VERSION } from "./version.js";
export { Rng } from "./random.js";
export * from "./numeric/index.js";
export * from "./cc/index.js";
export type * from "./models/spec.js";
export * from "./models/model.js";
export { compileModel } from "./models/compile.js";
export { randomModel, type RandomModelOptions } from "./models/random.js";
export * from "./tasks/index.js";
export * from "./reductions/index.js";
export { refute, STRATEGIES, DEFAULT_BUDGET, type Strategy, type RefuteOptions, type Verdict } from "./refute/refute.js";
export type { Finding } from "./refute/finding.js";
export { certificateOf, type Certificate } from "./refute/certificate.js";
export { verifyCertificate, type CertificateCheck } from "./refute/verify.js";
