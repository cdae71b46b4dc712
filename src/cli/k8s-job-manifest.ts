// The Kubernetes Indexed Job that runs one load as N shards on many machines: pod I runs
// `sockbench load --shard I/N`, I taken from the JOB_COMPLETION_INDEX the Job controller gives each pod,
// all with one start instant, each writing its result to its log or to a shared volume.

export interface K8sJobSpec {
  name: string;
  namespace?: string;
  image: string;
  shards: number;
  /** The load's own options (target, framing, connections, ...), as `sockbench load` takes them. */
  loadArgs: string[];
  /** When every shard's measured phase starts, ms since the epoch. */
  startAtMs: number;
  /** Write results to this PersistentVolumeClaim (mounted at RESULTS_DIR) instead of the pod's log. */
  resultsClaim?: string;
}

export const RESULTS_DIR = "/results";

/** `$(VAR)` in a container's args is expanded by the kubelet from the container's environment. */
const SHARD_INDEX = "$(JOB_COMPLETION_INDEX)";

/** Where shard I writes its result in the volume (RESULTS_DIR), when results go to one. */
export function resultFileName(index: number | string, shards: number): string {
  return `shard-${index}-of-${shards}.json`;
}

/** The manifest as a plain object (kubectl takes it as JSON). */
export function indexedJobManifest(spec: K8sJobSpec): Record<string, unknown> {
  const labels = { "app.kubernetes.io/name": "sockbench", "app.kubernetes.io/instance": spec.name };
  const output = spec.resultsClaim
    ? ["--json", "--out", `${RESULTS_DIR}/${resultFileName(SHARD_INDEX, spec.shards)}`]
    : ["--json"];
  const args = [
    "load",
    ...spec.loadArgs,
    "--shard",
    `${SHARD_INDEX}/${spec.shards}`,
    "--start-at",
    new Date(spec.startAtMs).toISOString(),
    ...output,
  ];
  const volume = spec.resultsClaim
    ? {
        volumeMounts: [{ name: "results", mountPath: RESULTS_DIR }],
        volumes: [{ name: "results", persistentVolumeClaim: { claimName: spec.resultsClaim } }],
      }
    : undefined;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: spec.name, ...(spec.namespace ? { namespace: spec.namespace } : {}), labels },
    spec: {
      completionMode: "Indexed",
      completions: spec.shards,
      parallelism: spec.shards,
      // A shard that fails is not run again: a rerun would miss the shared start instant.
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          // One shard per machine where the cluster has enough of them: the point is many machines.
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: labels },
            },
          ],
          containers: [
            {
              name: "load",
              image: spec.image,
              command: ["sockbench"],
              args,
              ...(volume ? { volumeMounts: volume.volumeMounts } : {}),
            },
          ],
          ...(volume ? { volumes: volume.volumes } : {}),
        },
      },
    },
  };
}
