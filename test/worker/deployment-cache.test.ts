/**
 * The worker's deployment cache: one read per deployment version, a read every time for a run
 * without a version, and a read that finds a newer version than the run's is not kept under the
 * run's version.
 */
import { describe, expect, it } from "vitest";
import type { Deployment, FlowRun } from "../../src/core/models.js";
import { createDeploymentCache } from "../../src/worker/deployment-cache.js";

function fakeRun(deploymentVersion: number | null): FlowRun & { deploymentId: string } {
  return { id: crypto.randomUUID(), deploymentId: "d1", deploymentVersion } as FlowRun & { deploymentId: string };
}

describe("deployment cache", () => {
  it("reads each version once, unversioned runs every time, and keeps no newer version under an older key", async () => {
    let version: number | null = 1;
    const reads: number[] = [];
    const cache = createDeploymentCache(async (id) => {
      reads.push(version ?? 0);
      return { id, versionNumber: version, entrypoint: `flows.ts:v${version}` } as Deployment;
    });
    expect((await cache.deploymentOf(fakeRun(1))).entrypoint).toBe("flows.ts:v1");
    expect((await cache.deploymentOf(fakeRun(1))).entrypoint).toBe("flows.ts:v1");
    expect(reads).toEqual([1]);

    version = 2;
    // A run of version 1 still gets version 1; runs of version 2 need one read.
    expect((await cache.deploymentOf(fakeRun(1))).entrypoint).toBe("flows.ts:v1");
    expect((await cache.deploymentOf(fakeRun(2))).entrypoint).toBe("flows.ts:v2");
    await cache.deploymentOf(fakeRun(2));
    expect(reads).toEqual([1, 2]);

    // A run claimed at version 3 whose read finds version 4: used, not kept as version 3.
    version = 4;
    expect((await cache.deploymentOf(fakeRun(3))).entrypoint).toBe("flows.ts:v4");
    await cache.deploymentOf(fakeRun(3));
    expect(reads).toEqual([1, 2, 4, 4]);

    version = null;
    await cache.deploymentOf(fakeRun(null));
    await cache.deploymentOf(fakeRun(null));
    expect(reads).toEqual([1, 2, 4, 4, 0, 0]);
  });
});
