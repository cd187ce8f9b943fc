export * from "./bind.js";
export * from "./theorem2.js";
export * from "./from-index.js";
export * from "./one-way-family.js";
export * from "./index-lookup.js";
export * from "./assoc-recall.js";
export * from "./theorems.js";
