/**
 * Contract part 2: tag concurrency limits with leases, 8 concurrent claimers over 1,000 runs
 * (claimFlowRuns) and 8 concurrent proposers of Scheduled → Pending (each run taken exactly
 * once), and the live event stream.
 */
import { describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import type { WeirEvent } from "../../src/core/models.js";
import { expectWeirError, type ContractScope } from "./contract-helpers.js";

/** Define the concurrency part of the contract. */
export function defineConcurrencyContract({ client, clock }: ContractScope): void {
  describe("concurrency limits", () => {
    it("leases slots all-or-nothing, frees them on release and on expiry", async () => {
      const db = `db-${crypto.randomUUID().slice(0, 6)}`;
      const api = `api-${crypto.randomUUID().slice(0, 6)}`;
      await client().createConcurrencyLimit({ tag: db, limit: 2 });
      await client().createConcurrencyLimit({ tag: api, limit: 1 });
      const first = await client().acquireConcurrencySlots({ tags: [db], holderId: "h1", leaseSeconds: 30 });
      const second = await client().acquireConcurrencySlots({ tags: [db, "unlimited-tag"], holderId: "h2", leaseSeconds: 30 });
      expect(first?.tags).toEqual([db]);
      expect(second?.tags).toEqual([db]);
      expect(await client().acquireConcurrencySlots({ tags: [db], holderId: "h3" })).toBeNull();
      // All or nothing: db is full, so api must not be taken either.
      expect(await client().acquireConcurrencySlots({ tags: [api, db], holderId: "h4" })).toBeNull();
      expect((await client().readConcurrencyLimit(api)).activeSlots).toBe(0);
      expect((await client().readConcurrencyLimit(db)).activeSlots).toBe(2);

      await client().releaseConcurrencyLease(first?.id ?? "");
      const third = await client().acquireConcurrencySlots({ tags: [db, api], holderId: "h5", leaseSeconds: 30 });
      expect(third?.tags.sort()).toEqual([api, db].sort());

      clock.advance(20_000);
      await client().renewConcurrencyLease(third?.id ?? "", 30);
      clock.advance(15_000);
      // `second` expired (30 s); `third` was renewed and still holds its slots.
      expect((await client().readConcurrencyLimit(db)).activeSlots).toBe(1);
      await expectWeirError(client().renewConcurrencyLease(second?.id ?? ""), "NOT_FOUND");
      expect(await client().acquireConcurrencySlots({ tags: [db], holderId: "h6" })).not.toBeNull();
      expect(await client().acquireConcurrencySlots({ tags: [api], holderId: "h7" })).toBeNull();

      const limits = await client().listConcurrencyLimits();
      expect(limits.map((limit) => limit.tag)).toEqual(expect.arrayContaining([db, api]));
      await client().deleteConcurrencyLimit(api);
      await expectWeirError(client().readConcurrencyLimit(api), "NOT_FOUND");
      await expectWeirError(client().createConcurrencyLimit({ tag: "x", limit: -1 }), "VALIDATION", "limit");
    });

    it("grants exactly `limit` slots to 8 concurrent acquirers", async () => {
      const tag = `race-${crypto.randomUUID().slice(0, 6)}`;
      await client().createConcurrencyLimit({ tag, limit: 3 });
      const leases = await Promise.all(Array.from({ length: 8 }, (_, index) => client().acquireConcurrencySlots({ tags: [tag], holderId: `h${index}` })));
      expect(leases.filter((lease) => lease !== null)).toHaveLength(3);
    });
  });

  describe("concurrent claims", () => {
    it("8 concurrent claimers over 1,000 due Scheduled runs claim each exactly once", async () => {
      const pool = `claims-${crypto.randomUUID().slice(0, 8)}`;
      await client().createWorkPool({ name: pool });
      const deployment = await client().upsertDeployment({ name: "claimed", flowName: "claims-flow", entrypoint: "flows.ts:claimed", workPoolName: pool });
      const ids: string[] = [];
      for (let batch = 0; batch < 20; batch++) {
        const created = await Promise.all(
          Array.from({ length: 50 }, (_, index) => client().createDeploymentFlowRun(deployment.id, { scheduledTime: new Date(clock.now().getTime() - (batch * 50 + index)).toISOString() })),
        );
        ids.push(...created.map((run) => run.id));
      }
      expect(new Set(ids).size).toBe(1000);
      const claimers = Array.from({ length: 8 }, async (_, claimer) => {
        const claimed: string[] = [];
        for (;;) {
          const runs = await client().claimFlowRuns({ workPoolName: pool, workerId: `worker-${claimer}`, limit: 25 });
          if (runs.length === 0) return claimed;
          for (const run of runs) {
            expect(run.stateType).toBe("PENDING");
            expect(run.workerId).toBe(`worker-${claimer}`);
          }
          claimed.push(...runs.map((run) => run.id));
        }
      });
      const claimed = (await Promise.all(claimers)).flat();
      expect(claimed).toHaveLength(1000);
      expect(new Set(claimed)).toEqual(new Set(ids));
      expect(await client().countFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["PENDING"] })).toBe(1000);
    }, 120_000);


    // The rule the claims rely on, through plain proposals: each run accepted once.
    it("accepts Scheduled → Pending exactly once per run under 8 concurrent proposers", async () => {
      const runs = await Promise.all(
        Array.from({ length: 60 }, () => client().createFlowRun({ flowName: "claims", state: makeState("Scheduled", { now: clock.now(), scheduledTime: clock.now().toISOString() }) })),
      );
      const claimers = Array.from({ length: 8 }, async (_, claimer) => {
        const won: string[] = [];
        for (const run of runs) {
          const result = await client().setFlowRunState(run.id, { state: makeState("Pending", { details: { claimer } }) });
          if (result.status === "ACCEPT") won.push(run.id);
          else expect(result.status).toBe("REJECT");
        }
        return won;
      });
      const wins = (await Promise.all(claimers)).flat();
      expect(wins.sort()).toEqual(runs.map((run) => run.id).sort());
      for (const run of runs.slice(0, 5)) expect((await client().readFlowRunStates(run.id)).map((state) => state.name)).toEqual(["Scheduled", "Pending"]);
    });
  });

  describe("events", () => {
    it("streams run changes after they are stored", async () => {
      const controller = new AbortController();
      const run = await client().createFlowRun({ flowName: "events" });
      const received: WeirEvent[] = [];
      const done = (async () => {
        for await (const event of client().subscribe(controller.signal, { flowRunId: run.id })) {
          received.push(event);
          if (event.kind === "flow-run" && event.flowRun.stateType === "COMPLETED") controller.abort();
        }
      })();
      // Give the subscription a moment to attach (HTTP streams connect asynchronously).
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client().setFlowRunState(run.id, { state: makeState("Running") });
      await client().appendLogs([{ flowRunId: run.id, level: "INFO", name: "e", message: "hello", timestamp: clock.now().toISOString() }]);
      await client().setFlowRunState(run.id, { state: makeState("Completed") });
      const timeout = setTimeout(() => controller.abort(), 5_000);
      await done;
      clearTimeout(timeout);
      const kinds = received.map((event) => (event.kind === "flow-run" ? `run:${event.flowRun.stateName}` : event.kind));
      expect(kinds).toEqual(expect.arrayContaining(["run:Running", "logs", "run:Completed"]));
      expect(received.every((event) => event.kind !== "flow-run" || event.flowRun.id === run.id)).toBe(true);
    });
  });
}
