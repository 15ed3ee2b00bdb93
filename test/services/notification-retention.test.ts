/**
 * Retention of notification history (the retention service, delete-expired-notifications.ts), on
 * SQLite or PostgreSQL with the injected clock: deliveries that were sent or gave up and firings
 * whose actions ran go once older than the retention age, in batches; pending deliveries and
 * firings whose actions have not run stay however old.
 */
import { describe, expect, it } from "vitest";
import { deleteExpiredNotifications } from "../../src/orchestration/maintenance/delete-expired-notifications.js";
import { createNotificationOutbox } from "../../src/orchestration/notifications/notification-outbox.js";
import { createRetentionService } from "../../src/services/retention-service.js";
import { failedGreetingMessage } from "./notification-test-kit.js";
import { useServiceTestBed } from "./service-test-kit.js";

const DAY_MS = 24 * 3600 * 1000;

describe("retention of notification deliveries and automation firings", () => {
  const { bed, api, ctx } = useServiceTestBed("2026-07-01T12:00:00Z");

  it("deletes sent and failed deliveries and done firings older than the age, and keeps the rest", async () => {
    const { clock } = bed();
    const db = ctx().database.db;
    const message = await failedGreetingMessage(bed().opened[0]!);
    const outbox = createNotificationOutbox(ctx());
    const action = { type: "webhook" as const, url: "http://127.0.0.1:9/hook" };
    const enqueue = async () => (await outbox.enqueue({ action, message })).id;

    const automation = await api().createAutomation({ name: "retention-check", trigger: { expect: "flow-run.Failed" }, actions: [action] });
    const firing = async (key: string, status: string) => {
      const id = crypto.randomUUID();
      await db
        .insertInto("automation_firings")
        .values({ id, automation_id: automation.id, firing_key: key, fired_at: clock.now().toISOString(), reason: "test", event_id: null, event_name: null, flow_run_id: null, event: null, actions: "[]", status })
        .execute();
      return id;
    };

    // Day 0: two sent, one given up, one still pending; two done firings and one pending.
    const sentOld = [await enqueue(), await enqueue()];
    for (const id of sentOld) await outbox.recordSent(id, clock.now());
    const failedOld = await enqueue();
    await outbox.recordFailure(failedOld, clock.now(), "connection refused", null);
    const pendingOld = await enqueue();
    const firingsOld = [await firing("a", "done"), await firing("b", "done")];
    const firingPending = await firing("c", "pending");
    // Day 2: one sent, one done firing.
    clock.advance(2 * DAY_MS);
    const sentNew = await enqueue();
    await outbox.recordSent(sentNew, clock.now());
    const firingNew = await firing("d", "done");

    // Day 3, retention 2 days: the day-0 finished rows are due, one row per table first.
    clock.advance(DAY_MS);
    const first = await deleteExpiredNotifications(ctx(), { olderThanSeconds: 2 * 24 * 3600, batchSize: 1, maxBatches: 1 });
    expect(first).toEqual({ deliveries: 1, firings: 1, hasMore: true });

    await createRetentionService(ctx(), { intervalMs: 3600_000, retentionSeconds: 2 * 24 * 3600 }).tick({ now: clock.now() } as never);
    const deliveries = (await db.selectFrom("notification_deliveries").select(["id", "status"]).execute()).map((row) => row.id).sort();
    expect(deliveries).toEqual([pendingOld, sentNew].sort());
    expect(sentOld.concat(failedOld).some((id) => deliveries.includes(id))).toBe(false);
    const firings = (await db.selectFrom("automation_firings").select("id").execute()).map((row) => row.id).sort();
    expect(firings).toEqual([firingPending, firingNew].sort());
    expect(firingsOld.some((id) => firings.includes(id))).toBe(false);

    // A pass with nothing due deletes nothing.
    expect(await deleteExpiredNotifications(ctx(), { olderThanSeconds: 2 * 24 * 3600 })).toEqual({ deliveries: 0, firings: 0, hasMore: false });
    // The automation and its history listing still work.
    expect((await api().listAutomationFirings(automation.id)).map((f) => f.id).sort()).toEqual([firingPending, firingNew].sort());
  });
});
