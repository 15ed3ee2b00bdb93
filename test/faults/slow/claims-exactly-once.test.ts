/**
 * Fault suite: six worker processes claim from one pool of 6,000 due runs over HTTP at once.
 * Every run is claimed by exactly one process, executed once (Scheduled → Pending → Running →
 * Completed, runCount 1), and every process gets a share.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HttpClient } from "../../../src/client/http-client.js";
import { runScript } from "../../helpers/run-process.js";
import { useTestServer } from "../../helpers/test-server.js";
import { recordFaultFigures } from "../fault-figures.js";

const CLAIM_LOOP = fileURLToPath(new URL("../fixtures/claim-loop.ts", import.meta.url));
const WORKERS = 6;
const RUNS_PER_WORKER = 1000;

const { server } = useTestServer();

describe("exactly-once claims with real worker processes", () => {
  it(`${WORKERS} processes × ${RUNS_PER_WORKER} runs: each run claimed and executed once`, async () => {
    const client = new HttpClient({ apiUrl: server.url });
    try {
      await client.createWorkPool({ name: "fleet" });
      const deployment = await client.upsertDeployment({ name: "fleet", flowName: "fleet", entrypoint: "f.ts:fleet", workPoolName: "fleet" });
      const total = WORKERS * RUNS_PER_WORKER;
      for (let created = 0; created < total; created += 100) {
        await Promise.all(Array.from({ length: 100 }, () => client.createDeploymentFlowRun(deployment.id)));
      }
      const results = await Promise.all(
        Array.from({ length: WORKERS }, (_, index) => runScript(CLAIM_LOOP, [server.url, "fleet", `fleet-${index}`], { ...process.env }, 540_000)),
      );
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      const claimsPerWorker = results.map((result) => result.stdout.split("\n").filter(Boolean));
      const allClaims = claimsPerWorker.flat();
      expect(allClaims).toHaveLength(total);
      expect(new Set(allClaims).size).toBe(total);
      for (const claims of claimsPerWorker) expect(claims.length).toBeGreaterThan(0);
      expect(await client.countFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["COMPLETED"] })).toBe(total);
      let cursor: string | undefined;
      let checked = 0;
      do {
        const page = await client.listFlowRuns({ deploymentIds: [deployment.id] }, { limit: 500, cursor });
        for (const run of page.items) expect(run.runCount, run.id).toBe(1);
        checked += page.items.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(checked).toBe(total);
      for (const id of allClaims.slice(0, 10)) {
        expect((await client.readFlowRunStates(id)).map((state) => state.name)).toEqual(["Scheduled", "Pending", "Running", "Completed"]);
      }
      recordFaultFigures("claims-exactly-once", { workers: WORKERS, runs: total, claimedOnce: new Set(allClaims).size, claimsPerWorker: claimsPerWorker.map((claims) => claims.length) });
    } finally {
      await client.close();
    }
  });
});
