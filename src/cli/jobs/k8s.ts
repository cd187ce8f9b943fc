import { commentSafe, shardFileName, shellWords, type ShardedJob } from "./job-spec.js";

export interface KubernetesOptions {
  /** The container image that has ccbound (as `ccbound` on its PATH, or the job's ccbound executable). */
  readonly image: string;
  /** A PersistentVolumeClaim mounted at the workdir, where the shard files go and the merge reads them. */
  readonly claim?: string;
}

/**
 * A Kubernetes Indexed Job for a sharded check: completion index k (the JOB_COMPLETION_INDEX the Job controller
 * sets) runs `ccbound check ... --shard k+1/n --out NAME-shard-(k+1).json`. The check's arguments are the
 * container's argument list, never a shell string: the one shell line only turns the index into a shard and passes
 * "$@" on. Kubernetes has no dependent jobs, so the merge is a documented command run after the Job completes.
 *
 * Written as JSON (which YAML 1.2 contains, so `kubectl apply -f` reads it) after comment lines: no YAML library.
 */
export function kubernetesManifest(job: ShardedJob, k8s: KubernetesOptions): string {
  const volume = "work";
  const container = {
    name: "shard",
    image: k8s.image,
    workingDir: job.workdir,
    command: [
      "sh",
      "-c",
      `i=$((JOB_COMPLETION_INDEX + 1)); exec "$@" --shard "$i/${job.shards}" --out "${job.name}-shard-$i.json"`,
      "sh",
      job.ccbound,
      "check",
      ...job.check,
    ],
    ...(job.cpus !== undefined && { resources: { requests: { cpu: String(job.cpus) } } }),
    ...(k8s.claim !== undefined && { volumeMounts: [{ name: volume, mountPath: job.workdir }] }),
  };
  const manifest = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: job.name, labels: { "app.kubernetes.io/name": "ccbound" } },
    spec: {
      completionMode: "Indexed",
      completions: job.shards,
      parallelism: job.shards,
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "ccbound" } },
        spec: {
          restartPolicy: "Never",
          containers: [container],
          ...(k8s.claim !== undefined && {
            volumes: [{ name: volume, persistentVolumeClaim: { claimName: k8s.claim } }],
          }),
        },
      },
    },
  };
  const comments = [
    `Written by ccbound ${job.version} (ccbound jobs k8s): one check in ${job.shards} shards, a Kubernetes Indexed Job`,
    `whose completion index k computes shard k+1 of ${job.shards}. The unsharded check is`,
    `  ${job.replay}`,
    "Run the shards, wait for all of them, then merge where the shard files are:",
    `  kubectl apply -f FILE && kubectl wait --for=condition=complete --timeout=-1s job/${job.name}`,
    `  ${mergeCommand(job)}`,
    k8s.claim !== undefined
      ? `The shard files go to ${job.workdir} on the volume claim ${k8s.claim}.`
      : `The shard files go to ${job.workdir} in each pod: mount shared storage there (--claim) to keep them.`,
    "This file is JSON, which is YAML: kubectl reads it either way.",
  ];
  return `${comments.map((c) => `# ${commentSafe(c)}`.trimEnd()).join("\n")}\n${JSON.stringify(manifest, null, 2)}\n`;
}

/** The merge, as a command to run in the workdir (bash: the brace expands to every shard file). */
export function mergeCommand(job: ShardedJob): string {
  const files = job.shards === 1 ? shardFileName(job, 1) : `${job.name}-shard-{1..${job.shards}}.json`;
  return [`cd ${shellWords([job.workdir])} &&`, shellWords([job.ccbound]), "merge", files, shellWords(job.merge)]
    .filter((w) => w !== "")
    .join(" ");
}
