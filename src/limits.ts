/**
 * The largest vocabulary, label list, width or matrix side a model may have. Model files are checked against it
 * (src/io), and tasks whose vocabulary would exceed it are refused before anything is built (src/tasks).
 */
export const MAX_DIM = 4096;

/**
 * The largest vocabulary, number of positions (rows of a position embedding) and task length N. A trained model's
 * state has 10^4 to 10^6 bits, and Theorem 3 binds it only at N above that (over 2 symbols), so N and the lists that
 * grow with it (index lookup's position tokens, the rows of the embeddings) may be far longer than a model is wide.
 * What bounds a model's size is the number of its numbers (src/io/limits.ts, MAX_NUMBERS); what bounds a run is the
 * memory it needs, estimated before it starts (src/refute/memory.ts).
 */
export const MAX_TOKENS = 1 << 20;
