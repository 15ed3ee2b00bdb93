/**
 * The message of a notification about a flow run, read from the database: the event, the run
 * (its state and message), its flow and deployment, the automation, and the run's dashboard
 * page. Also the sample message of `weir notification test`.
 */
import type { Kysely } from "kysely";
import type { NotificationMessage } from "../../core/notification-deliveries.js";
import type { State } from "../../core/states.js";
import { WeirError } from "../../core/weir-error.js";
import { fromJsonColumn } from "../../db/json-column.js";
import type { DatabaseSchema } from "../../db/schema.js";

/** What the message is about. */
export interface FlowRunNotificationInput {
  flowRunId: string;
  /** The event's name, e.g. `flow-run.Failed`. @default `flow-run.<the run's state name>` */
  eventName?: string;
  /** @default null */
  eventId?: string | null;
  /** @default the run's state timestamp */
  occurredAt?: string;
  /** @default null */
  automation?: { id: string; name: string } | null;
}

/** The dashboard page of a flow run, relative to the dashboard's base URL. */
export function flowRunDashboardPath(flowRunId: string): string {
  return `/runs/${encodeURIComponent(flowRunId)}`;
}

/** Build the message about a flow run (NOT_FOUND when it does not exist). */
export async function buildFlowRunNotificationMessage(db: Kysely<DatabaseSchema>, input: FlowRunNotificationInput): Promise<NotificationMessage> {
  const run = await db.selectFrom("flow_runs").selectAll().where("id", "=", input.flowRunId).executeTakeFirst();
  if (run === undefined) throw WeirError.notFound("flow run", input.flowRunId);
  const state = fromJsonColumn<State>(run.state);
  const eventName = input.eventName ?? `flow-run.${run.state_name}`;
  const occurredAt = input.occurredAt ?? run.state_timestamp;
  const deploymentName = run.deployment_name === null ? null : `${run.flow_name}/${run.deployment_name}`;
  const title = `Flow run '${run.name}' of ${run.flow_name} is ${run.state_name}`;
  const summary = [
    `State: ${run.state_name}${state.message ? ` — ${state.message}` : ""}`,
    `Flow: ${run.flow_name}`,
    ...(deploymentName === null ? [] : [`Deployment: ${deploymentName}`]),
    `Event: ${eventName} at ${occurredAt}`,
  ].join("\n");
  return {
    title,
    summary,
    event: { id: input.eventId ?? null, name: eventName, occurredAt },
    flowRun: {
      id: run.id,
      name: run.name,
      stateType: run.state_type,
      stateName: run.state_name,
      stateMessage: state.message ?? null,
      tags: fromJsonColumn<string[]>(run.tags),
      startTime: run.start_time,
      endTime: run.end_time,
    },
    flow: { id: run.flow_id, name: run.flow_name },
    deployment: run.deployment_id === null || deploymentName === null ? null : { id: run.deployment_id, name: deploymentName },
    automation: input.automation ?? null,
    dashboardPath: flowRunDashboardPath(run.id),
  };
}

/** The message of a test notification (no run behind it). */
export function testNotificationMessage(now: Date): NotificationMessage {
  const occurredAt = now.toISOString();
  return {
    title: "Test notification from Weir",
    summary: `This is a test notification, sent at ${occurredAt}. When an automation fires, this message names the event, the flow run, its flow and deployment.`,
    event: { id: null, name: "notification.test", occurredAt },
    flowRun: null,
    flow: null,
    deployment: null,
    automation: null,
    dashboardPath: "/",
  };
}
