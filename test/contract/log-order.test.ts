/**
 * Log ids follow the lines' order within a batch and become visible in increasing order across
 * batches (a follower reading by `afterId` never skips a batch that commits late). On PostgreSQL a
 * batch of one chunk is one statement that takes the logs lock (src/orchestration/log-insert-statement.ts);
 * a longer batch takes it in its own transaction. On the engine WEIR_TEST_DB names.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { LogInput } from "../../src/core/api-types.js";
import { testEngine } from "../helpers/test-database.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

describe("log order", () => {
  const { opened } = useTestOrchestration();
  const api = () => opened.orchestration;

  function lines(flowRunId: string, count: number): LogInput[] {
    return Array.from({ length: count }, (_, index) => ({ flowRunId, level: "INFO", name: "order", message: `line ${index}`, timestamp: new Date().toISOString() }));
  }

  it("a batch's lines get increasing ids in their order, one chunk or several", async () => {
    for (const count of [1, 40, 1_201]) {
      const flowRunId = crypto.randomUUID();
      await api().appendLogs(lines(flowRunId, count));
      const stored = await api().readLogs({ flowRunId, limit: 10_000 });
      expect(stored.map((log) => log.message)).toEqual(lines(flowRunId, count).map((log) => log.message));
    }
  });

  it.runIf(testEngine() === "postgres")("an append waits while another transaction holds the logs lock, then comes after its lines", async () => {
    const { database } = opened.context;
    const flowRunId = crypto.randomUUID();
    let release!: () => void;
    const mayCommit = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = database.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.logs'))`.execute(trx);
      await trx.insertInto("logs").values({ flow_run_id: flowRunId, task_run_id: null, worker_id: null, level: "INFO", level_rank: 20, name: "order", message: "held", timestamp: new Date().toISOString() }).execute();
      locked();
      await mayCommit;
    });
    await isLocked;
    let isAppended = false;
    const append = api()
      .appendLogs(lines(flowRunId, 3))
      .then(() => (isAppended = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isAppended).toBe(false);
    release();
    await holder;
    await append;
    const stored = await api().readLogs({ flowRunId });
    expect(stored.map((log) => log.message)).toEqual(["held", "line 0", "line 1", "line 2"]);
  });
});
