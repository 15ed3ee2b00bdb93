/**
 * Task concurrency slots held by real processes: a task keeps its slot while it runs past its
 * lease (the SDK renews it), a SIGKILLed run process frees its slot as soon as crash detection
 * ends its flow run, and at the latest when its short lease runs out.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InProcessClient } from "../../src/client/in-process-client.js";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import { markCrashedFlowRuns } from "../../src/orchestration/maintenance/mark-crashed-flow-runs.js";
import { expireConcurrencyLeases } from "../../src/orchestration/maintenance/expire-concurrency-leases.js";
import { flow, setClient, task } from "../../src/index.js";
import { releaseClient } from "../../src/sdk/client-provider.js";
import { leaseRenewerFor } from "../../src/sdk/concurrency-lease-renewer.js";
import { openServiceTestBed, type ServiceTestBed } from "../services/service-test-kit.js";

const CHILD = fileURLToPath(new URL("./fixtures/slot-holder-child.ts", import.meta.url));

describe("task slots held by real processes", () => {
  let bed: ServiceTestBed;
  let api: OrchestrationApi;
  const children = new Set<ChildProcess>();
  beforeAll(async () => {
    bed = await openServiceTestBed(new Date().toISOString());
    api = bed.opened[0]!.orchestration as unknown as OrchestrationApi;
    await api.createConcurrencyLimit({ tag: "gpu", limit: 1 });
  });
  afterEach(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    children.clear();
  });
  afterAll(async () => bed?.close());

  /** Start a process executing a new flow run whose task holds the `gpu` slot; resolves once it holds it. */
  async function startHolder(): Promise<{ child: ChildProcess; flowRunId: string }> {
    bed.clock.set(new Date());
    const { id: flowRunId } = await api.createFlowRun({ flowName: "slot-holder" });
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, bed.database.url, flowRunId], { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("holding") && resolve());
      child.once("exit", (code) => reject(new Error(`slot holder exited early (${code}): ${stderr}`)));
    });
    return { child, flowRunId };
  }

  async function kill(child: ChildProcess): Promise<void> {
    child.kill("SIGKILL");
    await once(child, "exit");
  }

  it("frees a SIGKILLed run process's slot as soon as crash detection ends its flow run", async () => {
    const { child, flowRunId } = await startHolder();
    expect(await api.acquireConcurrencySlots({ tags: ["gpu"], holderId: "waiting", leaseSeconds: 30 })).toBeNull();
    await kill(child);
    const lastBeat = Date.parse((await api.readFlowRun(flowRunId)).heartbeatAt!);
    bed.clock.set(new Date(lastBeat + 3_500));
    expect(await markCrashedFlowRuns(bed.contexts[0]!)).toEqual([flowRunId]);
    // Well within the lease the process took: only the crash frees the slot.
    expect(await expireConcurrencyLeases(bed.contexts[0]!)).toBe(1);
    const lease = await api.acquireConcurrencySlots({ tags: ["gpu"], holderId: "waiting", leaseSeconds: 30 });
    expect(lease).not.toBeNull();
    await api.releaseConcurrencyLease(lease!.id);
  }, 60_000);

  it("frees a SIGKILLed run process's slot once its short lease runs out, crash detected or not", async () => {
    const { child } = await startHolder();
    await kill(child);
    bed.clock.set(new Date(Date.now() + 10_000));
    expect(await api.acquireConcurrencySlots({ tags: ["gpu"], holderId: "waiting", leaseSeconds: 30 })).toBeNull();
    bed.clock.set(new Date(Date.now() + 31_000));
    const lease = await api.acquireConcurrencySlots({ tags: ["gpu"], holderId: "waiting", leaseSeconds: 30 });
    expect(lease).not.toBeNull();
    await api.releaseConcurrencyLease(lease!.id);
  }, 60_000);
});

describe("a task running longer than its slot lease", () => {
  it("keeps its slot (renewed by one loop), then gives it back", async () => {
    const bed = await openServiceTestBed(new Date().toISOString());
    // The SDK's client on the real clock: leases of 0.6 s are renewed every 0.2 s.
    const client = await InProcessClient.open({ databaseUrl: bed.database.url });
    const api = bed.opened[0]!.orchestration as unknown as OrchestrationApi;
    const previous = process.env.WEIR_CONCURRENCY_LEASE_SECONDS;
    process.env.WEIR_CONCURRENCY_LEASE_SECONDS = "0.6";
    process.env.WEIR_LOGGING_QUIET = "1";
    setClient(client);
    try {
      await api.createConcurrencyLimit({ tag: "long", limit: 1 });
      const seen: Array<{ others: boolean; renewing: number }> = [];
      const long = task({ name: "long", tags: ["long"] }, async () => {
        for (let check = 0; check < 3; check += 1) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          bed.clock.set(new Date());
          const other = await api.acquireConcurrencySlots({ tags: ["long"], holderId: "other", leaseSeconds: 30 });
          if (other !== null) await api.releaseConcurrencyLease(other.id);
          seen.push({ others: other !== null, renewing: leaseRenewerFor(client).size });
        }
      });
      await flow("long-slot", async () => long())();
      // 1.5 s into a 0.6 s lease, nobody else got the slot.
      expect(seen).toEqual([
        { others: false, renewing: 1 },
        { others: false, renewing: 1 },
        { others: false, renewing: 1 },
      ]);
      expect(leaseRenewerFor(client).size).toBe(0);
      bed.clock.set(new Date());
      expect((await api.readConcurrencyLimit("long")).activeSlots).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.WEIR_CONCURRENCY_LEASE_SECONDS;
      else process.env.WEIR_CONCURRENCY_LEASE_SECONDS = previous;
      await releaseClient(client);
      setClient(null);
      await client.close();
      await bed.close();
    }
  }, 30_000);
});
