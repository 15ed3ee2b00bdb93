/**
 * Suspended runs waiting for an event (`waitForEvent` past the suspend threshold): their
 * Suspended state carries `details.waitForEvent` (src/core/event-wait.ts). The late-runs loop
 * looks, for each, for the first matching event stored since the wait began (for all of them
 * at once: find-awaited-events.ts); when one is there it resumes the run (Suspended → Scheduled
 * with `details.matchedEvent`) and any worker runs the flow again, where `waitForEvent` returns
 * that event. A wait whose timeout comes first is resumed by resume-due-waits.ts instead.
 */
import type { EventWait } from "../../core/event-wait.js";
import { makeState, type State } from "../../core/states.js";
import { fromJsonColumn } from "../../db/json-column.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { findAwaitedEvents } from "./find-awaited-events.js";
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
  const waiting = rows.flatMap((row) => {
    const wait = fromJsonColumn<State>(row.state).details?.waitForEvent as EventWait | undefined;
    return wait === undefined ? [] : [{ row, wait }];
  });
  if (waiting.length === 0) return 0;
  const events = await findAwaitedEvents(ctx.database, waiting.map(({ wait }) => wait));
  let resumed = 0;
  for (const [index, { row }] of waiting.entries()) {
    const event = events[index];
    if (event === undefined) continue;
    const result = await transitionFlowRunIf(
      ctx,
      row.id,
      // Still the same wait: not resumed, cancelled or woken meanwhile.
      (locked) => locked.state_id === row.state_id,
      (locked, now) => {
        const suspended = fromJsonColumn<State>(locked.state);
        return makeState("Scheduled", {
          now,
          scheduledTime: now.toISOString(),
          message: `resumed: event '${event.event}' was stored (${event.id})`,
          details: { matchedEvent: event, waitKey: suspended.details?.pauseKey ?? null },
        });
      },
      { via: "resume" },
    );
    if (result?.status === "ACCEPT") resumed++;
  }
  return resumed;
}
