/**
 * The model file, version 1, as one zod schema: one strict object per registered architecture, told apart by `arch`
 * (src/models/archs/), with the shape checks of each. Each architecture, cell and block defines its own part in its
 * own file, with a compile-time proof there that its schema and its type describe the same objects.
 */
export { modelSchema } from "../models/archs/index.js";
