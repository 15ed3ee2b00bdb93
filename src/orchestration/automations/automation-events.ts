/**
 * The stored events automations read (src/core/events.ts, migration 013): where "from now on"
 * begins, and the events after a follower's cursor as triggers see them (the run's flow,
 * `flow/deployment`, work pool and tags taken from the event's resource and related resources).
 */
import type { StoredEvent } from "../../core/events.js";
import type { AutomationEvent, AutomationEventResource } from "../../core/automations/trigger-evaluation.js";
import type { WeirDatabase } from "../../db/weir-database.js";
import { readEventsAfter } from "../event-query.js";

/** The follower cursor of "now": events stored from here on come after it. */
export async function latestEventCursor(database: WeirDatabase): Promise<string> {
  return (await readEventsAfter(database, {})).cursor;
}

/** A stored event as triggers see it. */
export function automationEventOf(stored: StoredEvent): AutomationEvent {
  const related = (kind: string) => stored.related.find((resource) => resource.kind === kind);
  const resource: AutomationEventResource = { tags: stored.related.filter((r) => r.kind === "tag").map((r) => r.id) };
  const flow = related("flow");
  if (flow) resource.flow = flow.name ?? null;
  const deployment = stored.resource.kind === "deployment" ? stored.resource : related("deployment");
  if (deployment) {
    resource.deploymentId = deployment.id;
    const name = deployment.name ?? null;
    // Runs relate their deployment by its own name; triggers match `flow/deployment`.
    resource.deployment = name !== null && !name.includes("/") && flow?.name ? `${flow.name}/${name}` : name;
  }
  const workPool = stored.resource.kind === "work-pool" ? stored.resource : related("work-pool");
  if (workPool) resource.workPool = workPool.name ?? workPool.id;
  if (stored.resource.kind === "flow-run") {
    resource.flowRunId = stored.resource.id;
    resource.flowRunName = stored.resource.name ?? null;
  }
  return { id: stored.id, name: stored.event, occurredAt: stored.occurred, resource };
}

/** Stored events after a cursor, oldest first, as triggers see them, with the cursor to read on from. */
export async function readAutomationEvents(database: WeirDatabase, cursor: string, limit: number): Promise<{ events: AutomationEvent[]; stored: StoredEvent[]; cursor: string }> {
  const batch = await readEventsAfter(database, { after: cursor, limit });
  return { events: batch.events.map(automationEventOf), stored: batch.events, cursor: batch.cursor };
}
