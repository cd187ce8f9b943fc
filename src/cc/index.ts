export * from "./bits.js";
export * from "./transcript.js";
export * from "./protocol.js";
export * from "./problems.js";
export * from "./fooling.js";
export * from "./dyck-problem.js";
