/**
 * The deployments a worker read for its runs, kept by deployment id and version: a run records
 * the deployment version it runs (src/core/deployment-versions.ts: entrypoint, path, job
 * variables, pull and execution are all part of a version), so two runs of one version need
 * one read. A run without a version (a deployment from before versions) is read every time.
 */
import type { Deployment, FlowRun } from "../core/models.js";

/** Versions kept; the least recently used goes first. */
const MAX_ENTRIES = 64;

/** Read-through cache of deployments by (id, version). */
export interface DeploymentCache {
  /** The deployment `run` runs, as of its version. */
  deploymentOf(run: FlowRun & { deploymentId: string }): Promise<Deployment>;
}

/** A cache over `read` (the client's `readDeployment`). */
export function createDeploymentCache(read: (id: string) => Promise<Deployment>): DeploymentCache {
  const entries = new Map<string, Deployment>();
  return {
    async deploymentOf(run) {
      if (run.deploymentVersion === null) return read(run.deploymentId);
      const key = `${run.deploymentId}@${run.deploymentVersion}`;
      const cached = entries.get(key);
      if (cached !== undefined) {
        entries.delete(key);
        entries.set(key, cached);
        return cached;
      }
      const deployment = await read(run.deploymentId);
      // Read after the run was claimed: a newer version means the run's own is gone from the
      // deployment's row; keep only what matches the version asked for.
      if (deployment.versionNumber === run.deploymentVersion) {
        entries.set(key, deployment);
        if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      }
      return deployment;
    },
  };
}
