/**
 * One sharded check as a cluster job: what `ccbound jobs slurm|k8s` writes its script or manifest from. Every
 * argument is kept as a list of words and quoted where it is written (a shell word, a JSON string), so any path or
 * value survives the trip to the nodes as it was typed.
 */
export interface ShardedJob {
  /** The job's name: also the stem of its shard files, merge log and default certificate (validated: [a-z0-9-]). */
  readonly name: string;
  readonly shards: number;
  /** Absolute: where every task runs, so relative paths in the check's arguments mean what they meant here. */
  readonly workdir: string;
  /** The ccbound executable on the nodes. */
  readonly ccbound: string;
  /** `check`'s arguments for every shard, without --shard, --out, --cert and --json, with the seed fixed. */
  readonly check: readonly string[];
  /** `merge`'s arguments after the shard files: --cert, and --json when the check asked for it. */
  readonly merge: readonly string[];
  /** The unsharded check's replay command, for the header. */
  readonly replay: string;
  /** --workers of the check, when given: the CPUs to ask the scheduler for. */
  readonly cpus?: number;
  /** The tool's version, for the header. */
  readonly version: string;
}

/** Shard file i (1-based) of a job, relative to its workdir. */
export function shardFileName(job: Pick<ShardedJob, "name">, i: number): string {
  return `${job.name}-shard-${i}.json`;
}

/** A line for a comment: nothing a comment cannot hold (a newline in a path would end it). */
export function commentSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, "?");
}

/** A word for a POSIX shell: quoted unless it is plainly safe; any string survives. */
export function shellWord(s: string): string {
  return /^[\w./:@=+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function shellWords(words: readonly string[]): string {
  return words.map(shellWord).join(" ");
}

/** Job names: lowercase letters, digits and inner hyphens (a Kubernetes name and a safe file stem), at most 40. */
export const JOB_NAME = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;
