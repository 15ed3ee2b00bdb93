/**
 * Stored events (src/core/events.ts): list them newest first, or read those after a follower's
 * cursor. Writes happen elsewhere, inside the transaction of each change (append-events.ts and
 * the flow-run state trigger of migration 013).
 */
import type { EventBatch, EventPage, ListEventsInput, ReadEventsAfterInput } from "../core/events.js";
import { checkObject } from "./input-checks.js";
import { listEvents, readEventsAfter } from "./event-query.js";
import type { OrchestrationContext } from "./orchestration-context.js";

/** The events area of the service layer. */
export function createEventService(ctx: OrchestrationContext) {
  const { database } = ctx;
  return {
    async listEvents(input: ListEventsInput = {}): Promise<EventPage> {
      checkObject(input, "input");
      return listEvents(database, input);
    },
    async readEventsAfter(input: ReadEventsAfterInput = {}): Promise<EventBatch> {
      checkObject(input, "input");
      return readEventsAfter(database, input);
    },
  };
}
