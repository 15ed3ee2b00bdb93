import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open-database.js";
import type { WeirDatabase } from "../../src/db/weir-database.js";
import { createPostgresClientLeadership } from "../../src/services/client-advisory-lock-leadership.js";
import { createLeadership } from "../../src/services/create-leadership.js";
import { advisoryLockKey, soleLeadership } from "../../src/services/leadership.js";
import { createAdvisoryLockLeadership } from "../../src/services/pooled-advisory-lock-leadership.js";
import { runLoop } from "../../src/services/run-loop.js";
import { createTestDatabase, testEngine, type TestDatabase } from "../helpers/test-database.js";
import { manualClock } from "./service-test-kit.js";

describe("leader election", () => {
  let database: TestDatabase;
  const opened: WeirDatabase[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    for (let index = 0; index < 3; index++) opened.push(await openDatabase(database.url));
  });
  afterAll(async () => {
    for (const each of opened) await each.close();
    await database?.dispose();
  });

  it.skipIf(testEngine() !== "sqlite")("SQLite: every process leads (the work is idempotent)", async () => {
    expect(createLeadership(opened[0]!)).toBe(soleLeadership);
    expect(await soleLeadership.isLeader("scheduler")).toBe(true);
  });

  it.skipIf(testEngine() !== "postgres")("PostgreSQL: of two contenders exactly one leads each loop, and the other takes over on release", async () => {
    const first = createAdvisoryLockLeadership(opened[0]!);
    const second = createAdvisoryLockLeadership(opened[1]!);
    try {
      expect(await first.isLeader("scheduler")).toBe(true);
      expect(await second.isLeader("scheduler")).toBe(false);
      expect(await first.isLeader("scheduler")).toBe(true);
      // One leader per loop, not per process.
      expect(await second.isLeader("late-runs")).toBe(true);
      expect(await first.isLeader("late-runs")).toBe(false);
      await first.release();
      expect(await second.isLeader("scheduler")).toBe(true);
      expect(await first.isLeader("scheduler")).toBe(false);
    } finally {
      await first.release();
      await second.release();
    }
  });

  it.skipIf(testEngine() !== "postgres")("PostgreSQL: a connection of its own also elects one leader", async () => {
    const first = createPostgresClientLeadership(database.url);
    const second = createLeadership(opened[1]!, database.url);
    try {
      expect(await first.isLeader("scheduler")).toBe(true);
      expect(await second.isLeader("scheduler")).toBe(false);
      await first.release();
      expect(await second.isLeader("scheduler")).toBe(true);
    } finally {
      await first.release();
      await second.release();
    }
  });

  it.skipIf(testEngine() !== "postgres")("PostgreSQL: when the leader's session dies, the other contender takes over", async () => {
    const first = createPostgresClientLeadership(database.url);
    const second = createPostgresClientLeadership(database.url);
    try {
      expect(await first.isLeader("retention")).toBe(true);
      expect(await second.isLeader("retention")).toBe(false);
      // Kill the leader's backend, as if its process had died.
      const key = BigInt(advisoryLockKey("retention", new URL(database.url).searchParams.get("schema") ?? "public"));
      const classId = Number(BigInt.asUintN(64, key) >> 32n);
      const objectId = Number(BigInt.asUintN(64, key) & 0xffffffffn);
      const killed = await sql<{ pid: number }>`
        select pg_terminate_backend(pid) as killed, pid from pg_locks
        where locktype = 'advisory' and classid = ${classId} and objid = ${objectId} and objsubid = 1 and granted`.execute(opened[2]!.db);
      expect(killed.rows).toHaveLength(1);
      let isTakenOver = false;
      for (let attempt = 0; attempt < 50 && !isTakenOver; attempt++) {
        isTakenOver = await second.isLeader("retention");
        if (!isTakenOver) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(isTakenOver).toBe(true);
      // The old leader learns its session is gone (the error event, or its next query fails),
      // reconnects and does not lead any more.
      const afterDeath = await first.isLeader("retention").catch(() => first.isLeader("retention"));
      expect(afterDeath).toBe(false);
    } finally {
      await first.release();
      await second.release();
    }
  });

  it("two loops contending for the same name: only the leader ticks", async () => {
    const leaderships = [createLeadership(opened[0]!), createLeadership(opened[1]!)];
    const ticks = [0, 0];
    const controller = new AbortController();
    let rounds = 0;
    const sleep = async (): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (++rounds >= 20) controller.abort();
    };
    try {
      await Promise.all(
        leaderships.map((leader, index) =>
          runLoop({
            name: "contended",
            intervalMs: 5,
            tick: async () => void ticks[index]!++,
            clock: manualClock("2026-01-01T00:00:00Z"),
            sleep,
            signal: controller.signal,
            onError: (error) => {
              throw error;
            },
            leader,
          }),
        ),
      );
    } finally {
      for (const leader of leaderships) await leader.release();
    }
    expect(ticks[0]! + ticks[1]!).toBeGreaterThan(0);
    // SQLite has no election (both tick, the work is idempotent); PostgreSQL elects one.
    if (testEngine() === "postgres") expect(ticks.filter((count) => count > 0)).toHaveLength(1);
    else expect(ticks.every((count) => count > 0)).toBe(true);
  });
});
