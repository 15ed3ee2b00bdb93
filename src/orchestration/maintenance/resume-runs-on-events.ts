/**
 * Suspended runs waiting for an event (`waitForEvent` past the suspend threshold): their
 * Suspended state carries `details.waitForEvent` (src/core/event-wait.ts). The late-runs loop
 * looks, for each, for a matching event stored since the wait began; when one is there it
 * resumes the run (Suspended → Scheduled with `details.matchedEvent`) and any worker runs the
 * flow again, where `waitForEvent` returns that event. One events query per waiting run and
 * pass; a wait whose timeout comes first is resumed by resume-due-waits.ts instead.
 */
import { firstMatchingEvent, type EventWait } from "../../core/event-wait.js";
import { makeState, type State } from "../../core/states.js";
import { fromJsonColumn } from "../../db/json-column.js";
import { listEvents } from "../event-query.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { transitionFlowRunIf } from "./transition-flow-run-if.js";

/** Resume the Suspended runs whose awaited event was stored; returns how many were resumed. */
export async function resumeRunsOnEvents(ctx: OrchestrationContext, options: { limit?: number } = {}): Promise<number> {
  const rows = await ctx.database.db
    .selectFrom("flow_runs")
    .select(["id", "state", "state_id"])
    .where("state_type", "=", "PAUSED")
    .where("state_name", "=", "Suspended")
    .orderBy("next_scheduled_start_time")
    .limit(options.limit ?? 500)
    .execute();
  let resumed = 0;
  for (const row of rows) {
    const wait = fromJsonColumn<State>(row.state).details?.waitForEvent as EventWait | undefined;
    if (wait === undefined) continue;
    const page = await listEvents(ctx.database, { ...wait.filter, since: wait.since, limit: 1000 });
    const event = firstMatchingEvent(page.events, wait.match ?? {}, true);
    if (event === undefined) continue;
    const result = await transitionFlowRunIf(
      ctx,
      row.id,
      // Still the same wait: not resumed, cancelled or woken meanwhile.
      (locked) => locked.state_id === row.state_id,
      (locked, now) => {
        const waiting = fromJsonColumn<State>(locked.state);
        return makeState("Scheduled", {
          now,
          scheduledTime: now.toISOString(),
          message: `resumed: event '${event.event}' was stored (${event.id})`,
          details: { matchedEvent: event, waitKey: waiting.details?.pauseKey ?? null },
        });
      },
      { via: "resume" },
    );
    if (result?.status === "ACCEPT") resumed++;
  }
  return resumed;
}
