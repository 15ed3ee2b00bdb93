/**
 * Claims on a real database: exactly once under concurrency (8 claimers, each with its own
 * connection, over 1,000 runs), queue priority then due time, pool/queue/deployment limits
 * (ENQUEUE parks runs as AwaitingConcurrencySlot with the reason, CANCEL_NEW cancels), paused
 * pools, queues and deployments, runs not yet due; runs that cannot be claimed now (parked behind
 * a full deployment, AwaitingRetry with a live heartbeat) never hide the runs queued behind them.
 */
import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/core/clock.js";
import type { FlowRun, RetryPolicy } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { readCandidatePage, readRetryStalenessCutoffs } from "../../src/orchestration/claim-candidates.js";
import { openOrchestration } from "../../src/orchestration/create-orchestration.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

// Real time, moved forward by `clockOffsetMs` where a test needs heartbeats to go stale.
let clockOffsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + clockOffsetMs) };
const { database, opened } = useTestOrchestration({ clock });

async function deploymentIn(pool: string, queue: string, extra: { concurrencyLimit?: number; collisionStrategy?: "ENQUEUE" | "CANCEL_NEW"; name?: string; retryPolicy?: Partial<RetryPolicy> } = {}) {
  return opened.orchestration.upsertDeployment({ name: extra.name ?? `${pool}-${queue}`, flowName: "claims", entrypoint: "f.ts:claims", workPoolName: pool, workQueueName: queue, ...extra });
}

async function finish(run: FlowRun): Promise<void> {
  await opened.orchestration.setFlowRunState(run.id, { state: makeState("Running") });
  await opened.orchestration.setFlowRunState(run.id, { state: makeState("Completed") });
}

describe("claimFlowRuns", () => {
  it("claims each of 1,000 runs exactly once across 8 concurrent claimers", { timeout: 120_000 }, async () => {
    const pool = await opened.orchestration.createWorkPool({ name: "race" });
    const deployment = await deploymentIn(pool.name, "default");
    const created = new Set<string>();
    for (let batch = 0; batch < 10; batch++) {
      const runs = await Promise.all(Array.from({ length: 100 }, () => opened.orchestration.createDeploymentFlowRun(deployment.id)));
      for (const run of runs) created.add(run.id);
    }
    // PostgreSQL: one connection pool per claimer. SQLite: one connection per process (a second
    // connection in the same thread would block it while waiting for the write lock), so the
    // claimers share it; other processes are covered by the worker process tests.
    const claimers = database.engine === "postgres" ? await Promise.all(Array.from({ length: 8 }, () => openOrchestration({ databaseUrl: database.url, clock }))) : Array.from({ length: 8 }, () => opened);
    try {
      const claimedBy = await Promise.all(
        claimers.map(async (claimer, index) => {
          const mine: FlowRun[] = [];
          for (;;) {
            const runs = await claimer.orchestration.claimFlowRuns({ workPoolName: "race", workerId: `worker-${index}`, workerName: `w${index}`, limit: 7 });
            if (runs.length === 0) return mine;
            mine.push(...runs);
          }
        }),
      );
      const all = claimedBy.flat();
      expect(all).toHaveLength(1000);
      expect(new Set(all.map((run) => run.id))).toEqual(created);
      expect(claimedBy.filter((runs) => runs.length > 0).length).toBeGreaterThan(1);
      for (const [index, runs] of claimedBy.entries()) {
        for (const run of runs.slice(0, 5)) {
          const stored = await opened.orchestration.readFlowRun(run.id);
          expect(stored.stateName).toBe("Pending");
          expect(stored.workerId).toBe(`worker-${index}`);
          expect(stored.workerName).toBe(`w${index}`);
        }
      }
      expect(await opened.orchestration.countFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["PENDING"] })).toBe(1000);
      const pendingStates = await opened.orchestration.readFlowRunStates(all[0]?.id ?? "");
      expect(pendingStates.map((state) => state.name)).toEqual(["Scheduled", "Pending"]);
    } finally {
      if (database.engine === "postgres") await Promise.all(claimers.map((claimer) => claimer.close()));
    }
  });

  it("serves queues by priority, then by due time, and skips runs not yet due", async () => {
    const api = opened.orchestration;
    await api.createWorkPool({ name: "prio" });
    await api.createWorkQueue({ workPoolName: "prio", name: "low", priority: 5 });
    await api.createWorkQueue({ workPoolName: "prio", name: "high", priority: 1 });
    const low = await deploymentIn("prio", "low");
    const high = await deploymentIn("prio", "high");
    const t = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
    const lowRuns = [await api.createDeploymentFlowRun(low.id, { scheduledTime: t(100) }), await api.createDeploymentFlowRun(low.id, { scheduledTime: t(90) })];
    const highLate = await api.createDeploymentFlowRun(high.id, { scheduledTime: t(5) });
    const highEarly = await api.createDeploymentFlowRun(high.id, { scheduledTime: t(50) });
    const future = await api.createDeploymentFlowRun(high.id, { scheduledTime: new Date(Date.now() + 3_600_000).toISOString() });
    const first = await api.claimFlowRuns({ workPoolName: "prio", workerId: "w", limit: 3 });
    expect(first.map((run) => run.id)).toEqual([highEarly.id, highLate.id, lowRuns[0]?.id]);
    const onlyHigh = await api.claimFlowRuns({ workPoolName: "prio", workQueueNames: ["high"], workerId: "w", limit: 10 });
    expect(onlyHigh).toEqual([]);
    const rest = await api.claimFlowRuns({ workPoolName: "prio", workerId: "w", limit: 10 });
    expect(rest.map((run) => run.id)).toEqual([lowRuns[1]?.id]);
    expect((await api.readFlowRun(future.id)).stateName).toBe("Scheduled");
    await expect(api.claimFlowRuns({ workPoolName: "prio", workQueueNames: ["nope"], workerId: "w", limit: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.claimFlowRuns({ workPoolName: "prio", workerId: "w", limit: -1 })).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("respects pool and queue limits and paused pools, queues and deployments", async () => {
    const api = opened.orchestration;
    await api.createWorkPool({ name: "limited", concurrencyLimit: 3 });
    await api.createWorkQueue({ workPoolName: "limited", name: "narrow", concurrencyLimit: 1 });
    await api.updateWorkQueue("limited", "default", { priority: 2 });
    const narrow = await deploymentIn("limited", "narrow");
    const wide = await deploymentIn("limited", "default");
    for (let i = 0; i < 3; i++) await api.createDeploymentFlowRun(narrow.id);
    for (let i = 0; i < 4; i++) await api.createDeploymentFlowRun(wide.id);
    const claimed = await api.claimFlowRuns({ workPoolName: "limited", workerId: "w", limit: 10 });
    expect(claimed).toHaveLength(3);
    expect(claimed.filter((run) => run.workQueueName === "narrow")).toHaveLength(1);
    expect(await api.claimFlowRuns({ workPoolName: "limited", workerId: "w", limit: 10 })).toEqual([]);
    await finish(claimed[0] as FlowRun);
    const after = await api.claimFlowRuns({ workPoolName: "limited", workerId: "w", limit: 10 });
    expect(after).toHaveLength(1);

    await api.updateWorkPool("limited", { concurrencyLimit: null, isPaused: true });
    expect(await api.claimFlowRuns({ workPoolName: "limited", workerId: "w", limit: 10 })).toEqual([]);
    await api.updateWorkPool("limited", { isPaused: false });
    await api.updateWorkQueue("limited", "default", { isPaused: true });
    await api.updateDeployment(narrow.id, { isPaused: true });
    expect(await api.claimFlowRuns({ workPoolName: "limited", workerId: "w", limit: 10 })).toEqual([]);
    await api.updateWorkQueue("limited", "default", { isPaused: false });
    expect((await api.claimFlowRuns({ workPoolName: "limited", workerId: "w", limit: 10 })).every((run) => run.deploymentId === wide.id)).toBe(true);
  });

  it("parks runs over a deployment limit as AwaitingConcurrencySlot (ENQUEUE) or cancels them (CANCEL_NEW)", async () => {
    const api = opened.orchestration;
    const enqueue = await deploymentIn("default", "default", { name: "one-at-a-time", concurrencyLimit: 1 });
    const cancelNew = await deploymentIn("default", "default", { name: "cancel-new", concurrencyLimit: 1, collisionStrategy: "CANCEL_NEW" });
    const queued = [await api.createDeploymentFlowRun(enqueue.id), await api.createDeploymentFlowRun(enqueue.id)];
    const cancelled = [await api.createDeploymentFlowRun(cancelNew.id), await api.createDeploymentFlowRun(cancelNew.id)];
    const claimed = await api.claimFlowRuns({ workPoolName: "default", workerId: "w", limit: 10 });
    // Runs created in the same millisecond are due together: which one wins is not specified.
    const claimedIds = new Set(claimed.map((run) => run.id));
    expect(claimed).toHaveLength(2);
    expect(queued.filter((run) => claimedIds.has(run.id))).toHaveLength(1);
    expect(cancelled.filter((run) => claimedIds.has(run.id))).toHaveLength(1);
    const waitingRun = queued.find((run) => !claimedIds.has(run.id)) as FlowRun;
    const waiting = await api.readFlowRun(waitingRun.id);
    expect(waiting.stateName).toBe("AwaitingConcurrencySlot");
    expect(waiting.state.message).toContain("concurrency limit of 1");
    const refused = await api.readFlowRun((cancelled.find((run) => !claimedIds.has(run.id)) as FlowRun).id);
    expect(refused.stateName).toBe("Cancelled");
    expect(refused.state.message).toContain("CANCEL_NEW");
    expect(await api.claimFlowRuns({ workPoolName: "default", workerId: "w", limit: 10 })).toEqual([]);
    await finish(claimed.find((run) => run.deploymentId === enqueue.id) as FlowRun);
    const next = await api.claimFlowRuns({ workPoolName: "default", workerId: "w", limit: 10 });
    expect(next.map((run) => run.id)).toEqual([waitingRun.id]);
  });

  it("skips a full deployment's 50 parked runs to claim the runs queued behind them, parking each run once", async () => {
    const api = opened.orchestration;
    await api.createWorkPool({ name: "crowded" });
    const full = await deploymentIn("crowded", "default", { name: "crowded-one-at-a-time", concurrencyLimit: 1 });
    const other = await deploymentIn("crowded", "default", { name: "crowded-other" });
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
    const ahead: FlowRun[] = [];
    for (let i = 0; i < 50; i++) ahead.push(await api.createDeploymentFlowRun(full.id, { scheduledTime: ago(600 - i) }));
    const behind = [await api.createDeploymentFlowRun(other.id, { scheduledTime: ago(30) }), await api.createDeploymentFlowRun(other.id, { scheduledTime: ago(20) }), await api.createDeploymentFlowRun(other.id, { scheduledTime: ago(10) })];

    const claimed = await api.claimFlowRuns({ workPoolName: "crowded", workerId: "w", limit: 4 });
    expect(claimed.map((run) => run.id)).toEqual([ahead[0]?.id, ...behind.map((run) => run.id)]);
    expect((await api.readFlowRun(ahead[1]?.id ?? "")).stateName).toBe("AwaitingConcurrencySlot");

    // Nothing claimable is left; claiming again parks no run a second time.
    expect(await api.claimFlowRuns({ workPoolName: "crowded", workerId: "w", limit: 4 })).toEqual([]);
    expect(await api.claimFlowRuns({ workPoolName: "crowded", workerId: "w", limit: 1 })).toEqual([]);
    for (const run of ahead.slice(1)) {
      const names = (await api.readFlowRunStates(run.id)).map((state) => state.name);
      expect(names.filter((name) => name === "AwaitingConcurrencySlot").length).toBeLessThanOrEqual(1);
      expect(names.filter((name) => name !== "AwaitingConcurrencySlot")).toEqual(["Scheduled"]);
    }
    expect(await api.countFlowRuns({ deploymentIds: [full.id], stateTypes: ["SCHEDULED"] })).toBe(49);

    // When the slot frees, the next run in due order takes it, and only that one.
    await finish(claimed[0] as FlowRun);
    const next = await api.claimFlowRuns({ workPoolName: "crowded", workerId: "w", limit: 4 });
    expect(next.map((run) => run.id)).toEqual([ahead[1]?.id]);
  });

  it("skips AwaitingRetry runs whose process still heartbeats, and claims them once the heartbeat is stale", async () => {
    const api = opened.orchestration;
    await api.createWorkPool({ name: "retrying" });
    const flaky = await deploymentIn("retrying", "default", { name: "retrying-flaky", retryPolicy: { retries: 1, retryDelaySeconds: [0] } });
    const other = await deploymentIn("retrying", "default", { name: "retrying-other" });
    for (let i = 0; i < 41; i++) await api.createDeploymentFlowRun(flaky.id, { scheduledTime: new Date(Date.now() - 60_000).toISOString() });
    const attempts = await api.claimFlowRuns({ workPoolName: "retrying", workerId: "first-worker", limit: 41 });
    expect(attempts).toHaveLength(41);
    // 20 runs heartbeat every 60 s, 20 never said (30 s assumed), 1 every second; then each fails
    // with a retry left and waits, due at once, while its process keeps the heartbeat.
    for (const [index, run] of attempts.entries()) {
      await api.setFlowRunState(run.id, { state: makeState("Running") });
      const heartbeatIntervalSeconds = index === 40 ? 1 : index < 20 ? 60 : undefined;
      if (heartbeatIntervalSeconds !== undefined) await api.heartbeatFlowRun(run.id, { heartbeatIntervalSeconds });
      const retry = await api.setFlowRunState(run.id, { state: makeState("Failed", { message: "boom" }) });
      expect(retry.state.name).toBe("AwaitingRetry");
    }
    // Due just after every retry, so the 41 waiting runs are ahead of them in the queue.
    const afterRetries = Date.now() + 1;
    const behind = [await api.createDeploymentFlowRun(other.id, { scheduledTime: new Date(afterRetries).toISOString() }), await api.createDeploymentFlowRun(other.id, { scheduledTime: new Date(afterRetries + 1).toISOString() })];
    await new Promise((resolve) => setTimeout(resolve, 10));
    const claimAll = (limit: number) => api.claimFlowRuns({ workPoolName: "retrying", workerId: "second-worker", limit });

    // The waiting runs are left out by the query itself: a first page of 5 holds only the 2 runs behind them.
    const { database: weirDatabase } = opened.context;
    const cutoffs = await readRetryStalenessCutoffs(weirDatabase.db, "retrying", clock.now());
    expect(cutoffs.map((cutoff) => cutoff.intervalSeconds).sort((a, b) => a - b)).toEqual([1, 30, 60]);
    const page = await readCandidatePage(weirDatabase.db, weirDatabase, { poolName: "retrying", queueName: "default", before: clock.now().toISOString(), pageSize: 5, after: null, excludedDeploymentIds: [], retryCutoffs: cutoffs });
    expect(page.map((row) => row.id)).toEqual(behind.map((run) => run.id));

    const first = await claimAll(2);
    expect(first.map((run) => run.id)).toEqual(behind.map((run) => run.id));
    expect(await claimAll(2)).toEqual([]);

    clockOffsetMs = 5_000; // the 1 s run's heartbeat is now stale; 30 s and 60 s ones are not
    try {
      const stale = await claimAll(10);
      expect(stale.map((run) => run.id)).toEqual([attempts[40]?.id]);
      clockOffsetMs = 61_000; // the 30 s ones are stale too (2 × 30 s), the 60 s ones are not
      const defaults = await claimAll(50);
      expect(new Set(defaults.map((run) => run.id))).toEqual(new Set(attempts.slice(20, 40).map((run) => run.id)));
      clockOffsetMs = 121_000;
      expect(await claimAll(50)).toHaveLength(20);
    } finally {
      clockOffsetMs = 0;
    }
  });
});
