import type { SearchJob } from "./search-job.js";
import type { ShardIndex, ShardWork } from "./shard.js";

/**
 * What `check --shard i/n --out FILE` writes and `ccbound merge` reads: the job (without the model file, which is
 * named by path and SHA-256), the shard's work, and what the unsharded run would print as its replay command, so
 * that the merged verdict and certificate are the unsharded ones byte for byte.
 */
export interface ShardFile {
  readonly ccbound: "shard";
  readonly version: 1;
  readonly tool: { readonly name: "ccbound"; readonly version: string };
  readonly shard: ShardIndex;
  readonly model: {
    readonly path: string;
    readonly sha256: string;
    /** The flags the model was loaded with (--format, and safetensors' --vocab, --labels, --nonlinearity). */
    readonly options: Readonly<Record<string, string>>;
    /** The model and its flags as a replay command names them. */
    readonly args: string;
  };
  readonly job: Omit<SearchJob, "spec">;
  /** The unsharded check's replay command. */
  readonly replay: string;
  readonly work: ShardWork;
}

/** The fields that must agree across the shards of one search (everything but the shard's index and work). */
export function searchIdentity(f: ShardFile): string {
  return JSON.stringify({
    tool: f.tool,
    count: f.shard.count,
    sha256: f.model.sha256,
    options: f.model.options,
    job: f.job,
    replay: f.replay,
  });
}
