import { commentSafe, shardFileName, shellWord, shellWords, type ShardedJob } from "./job-spec.js";

/**
 * A Slurm job-array script for a sharded check: array task k (0-based) runs `ccbound check ... --shard k+1/n --out
 * NAME-shard-(k+1).json` in the job's directory. `sbatch FILE` submits the shards; `bash FILE merge` combines them;
 * `bash FILE submit [SBATCH-OPTIONS]` submits the shards and then the merge as a job that depends on the array with
 * afterok (it starts only when every shard exited 0), the options going to the merge's sbatch (e.g. --wait). Paths
 * appear only in quoted shell words, never in #SBATCH lines (whose quoting Slurm parses its own way).
 */
export function slurmScript(job: ShardedJob): string {
  const dir = shellWord(job.workdir);
  const last = shardFileName(job, job.shards);
  const header = [
    "#!/bin/bash",
    `# Written by ccbound ${job.version} (ccbound jobs slurm): one check in ${job.shards} shards, a Slurm job array whose`,
    `# task k computes shard k+1 of ${job.shards}, then ccbound merge. The unsharded check is`,
    `#   ${commentSafe(job.replay)}`,
    "# Run it one of two ways:",
    "#   sbatch FILE                       the shards; when they are done, `bash FILE merge` combines them",
    "#   bash FILE submit [SBATCH-OPTIONS] the shards, and the merge as a job that starts once every shard exited 0",
    "#                                     (--dependency=afterok); the options go to the merge's sbatch, e.g. --wait",
    `# Every task runs in ${commentSafe(job.workdir)}; shard files ${shardFileName(job, 1)} .. ${last}.`,
    `# The merge exits as check does: 0 survived, 1 refuted, 3 inconclusive, 2 error (Slurm counts 1 and 3 as failed).`,
    job.cpus !== undefined
      ? `# Each task asks for ${job.cpus} CPU${job.cpus > 1 ? "s" : ""} (--workers ${job.cpus}).`
      : "# Without --workers a task uses every core it sees: give check --workers W to ask Slurm for W CPUs a task.",
    `#SBATCH --job-name=${job.name}`,
    `#SBATCH --array=0-${job.shards - 1}`,
    ...(job.cpus !== undefined ? [`#SBATCH --cpus-per-task=${job.cpus}`] : []),
  ];
  const body = [
    "set -euo pipefail",
    `cd -- ${dir}`,
    `ccbound=(${shellWord(job.ccbound)})`,
    `name=${shellWord(job.name)}`,
    `shards=${job.shards}`,
    'case "${1-}" in',
    "  submit)",
    "    shift",
    '    script=$(readlink -f -- "$0")',
    `    array=$(sbatch --parsable --chdir=${dir} "$script")`,
    "    array=${array%%;*}",
    '    echo "shards: job array $array" >&2',
    `    exec sbatch --parsable --job-name="$name-merge" --chdir=${dir} --output="$name-merge.log" \\`,
    '      --dependency="afterok:$array" "$@" --wrap="bash $(printf %q "$script") merge"',
    "    ;;",
    "  merge)",
    "    files=()",
    '    for ((i = 1; i <= shards; i++)); do files+=("$name-shard-$i.json"); done',
    `    exec "\${ccbound[@]}" merge "\${files[@]}"${job.merge.length > 0 ? ` ${shellWords(job.merge)}` : ""}`,
    "    ;;",
    '  "") ;;',
    '  *) echo "usage: sbatch $0 | bash $0 submit [SBATCH-OPTIONS] | bash $0 merge" >&2; exit 2 ;;',
    "esac",
    'if [ -z "${SLURM_ARRAY_TASK_ID-}" ]; then',
    '  echo "$0: not a Slurm array task (submit it with sbatch, or run: bash $0 submit)" >&2',
    "  exit 2",
    "fi",
    "i=$((SLURM_ARRAY_TASK_ID + 1))",
    `exec "\${ccbound[@]}" check ${shellWords(job.check)} --shard "$i/$shards" --out "$name-shard-$i.json"`,
  ];
  return [...header, ...body, ""].join("\n");
}
