/**
 * The actions of recorded firings that are not notifications (those were queued with the firing):
 * run a deployment, pause or resume a deployment, its schedules or a work pool, cancel or retry the
 * triggering run. A firing is claimed (`pending` → `running`) before its actions run, so one
 * process runs them; each outcome is recorded on the firing. A deployment run is keyed by the
 * firing (idempotency key), so running the actions again never makes a second run.
 */
import type { ActionSpec } from "../../core/automations/automation-actions.js";
import type { AutomationActionOutcome } from "../../core/automations/automation-models.js";
import type { AutomationEvent } from "../../core/automations/trigger-evaluation.js";
import type { Deployment } from "../../core/models.js";
import { WeirError } from "../../core/weir-error.js";
import { fromJsonColumn, toJsonColumn } from "../../db/json-column.js";
import type { AutomationFiringTable } from "../../db/schema.js";
import type { Orchestration } from "../create-orchestration.js";
import type { OrchestrationContext } from "../orchestration-context.js";

/** Firings whose actions one pass runs. */
const FIRINGS_PER_PASS = 50;

async function findDeployment(api: Orchestration, idOrName: string): Promise<Deployment> {
  if (idOrName.includes("/")) return api.readDeploymentByName(idOrName);
  return api.readDeployment(idOrName);
}

function deploymentOf(action: { deployment?: string | undefined }, event: AutomationEvent | null): string {
  const named = action.deployment ?? event?.resource.deploymentId ?? event?.resource.deployment;
  if (!named) throw new WeirError("CONFLICT", "names no deployment and the triggering event has none");
  return named;
}

function flowRunOf(firing: AutomationFiringTable): string {
  if (firing.flow_run_id === null) throw new WeirError("CONFLICT", "the trigger fired without a flow run (a proactive trigger has no triggering run)");
  return firing.flow_run_id;
}

/** Run one action; returns what it did. */
async function runAction(api: Orchestration, action: ActionSpec, index: number, firing: AutomationFiringTable, event: AutomationEvent | null): Promise<string> {
  switch (action.type) {
    case "webhook":
    case "slack":
    case "teams":
    case "discord":
    case "email":
      return "notification queued with the firing";
    case "run-deployment": {
      const deployment = await findDeployment(api, deploymentOf(action, event));
      const run = await api.createDeploymentFlowRun(deployment.id, { parameters: action.parameters ?? {}, idempotencyKey: `automation-firing:${firing.id}:${index}` });
      return `created flow run '${run.name}' (${run.id}) of ${deployment.flowName}/${deployment.name}`;
    }
    case "pause-deployment":
    case "resume-deployment": {
      const deployment = await findDeployment(api, deploymentOf(action, event));
      await api.updateDeployment(deployment.id, { isPaused: action.type === "pause-deployment" });
      return `${action.type === "pause-deployment" ? "paused" : "resumed"} deployment ${deployment.flowName}/${deployment.name}`;
    }
    case "pause-schedule":
    case "resume-schedule": {
      const deployment = await findDeployment(api, deploymentOf(action, event));
      const schedules = action.schedule === undefined ? deployment.schedules : deployment.schedules.filter((schedule) => schedule.id === action.schedule);
      if (action.schedule !== undefined && schedules.length === 0) throw WeirError.notFound("deployment schedule", action.schedule);
      const isActive = action.type === "resume-schedule";
      for (const schedule of schedules) await api.updateDeploymentSchedule(deployment.id, schedule.id, { isActive });
      return `${isActive ? "resumed" : "paused"} ${schedules.length} schedule(s) of ${deployment.flowName}/${deployment.name}`;
    }
    case "pause-work-pool":
    case "resume-work-pool": {
      const name = action.workPool ?? event?.resource.workPool;
      if (!name) throw new WeirError("CONFLICT", "names no work pool and the triggering event has none");
      await api.updateWorkPool(name, { isPaused: action.type === "pause-work-pool" });
      return `${action.type === "pause-work-pool" ? "paused" : "resumed"} work pool ${name}`;
    }
    case "cancel-flow-run": {
      const run = await api.cancelFlowRun(flowRunOf(firing));
      return `flow run '${run.name}' is ${run.state.name}`;
    }
    case "retry-flow-run": {
      const run = await api.retryFlowRun(flowRunOf(firing));
      return `flow run '${run.name}' retried: ${run.state.name}`;
    }
  }
}

/** Run the actions of pending firings (see file header); returns how many firings ran. */
export async function runAutomationActions(ctx: OrchestrationContext, api: Orchestration, onError: (error: unknown) => void = () => {}): Promise<number> {
  const pending = await ctx.database.db.selectFrom("automation_firings").selectAll().where("status", "=", "pending").orderBy("fired_at").limit(FIRINGS_PER_PASS).execute();
  let ran = 0;
  for (const firing of pending) {
    const claimed = await ctx.database.db.updateTable("automation_firings").set({ status: "running" }).where("id", "=", firing.id).where("status", "=", "pending").executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) continue;
    ran += 1;
    const automation = await ctx.database.db.selectFrom("automations").select("actions").where("id", "=", firing.automation_id).executeTakeFirst();
    const actions = automation ? fromJsonColumn<ActionSpec[]>(automation.actions) : [];
    const outcomes = fromJsonColumn<AutomationActionOutcome[]>(firing.actions);
    const event = fromJsonColumn<AutomationEvent | null>(firing.event);
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status !== "pending") continue;
      const action = actions[index];
      if (!action || action.type !== outcome.type) {
        outcomes[index] = { ...outcome, status: "failed", detail: "the automation's actions changed before this one ran" };
        continue;
      }
      try {
        outcomes[index] = { ...outcome, status: "done", detail: await runAction(api, action, index, firing, event) };
      } catch (error) {
        onError(error);
        outcomes[index] = { ...outcome, status: "failed", detail: error instanceof Error ? error.message.slice(0, 2000) : String(error) };
      }
    }
    await ctx.database.db.updateTable("automation_firings").set({ actions: toJsonColumn(outcomes), status: "done" }).where("id", "=", firing.id).execute();
  }
  return ran;
}
