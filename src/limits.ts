/**
 * The largest vocabulary, label list, width or matrix side a model may have. Model files are checked against it
 * (src/io), and tasks whose vocabulary would exceed it are refused before anything is built (src/tasks).
 */
export const MAX_DIM = 4096;
