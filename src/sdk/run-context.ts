import type { Parameters } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import { runScopeStorage, currentFlowScope } from "./run-scope.js";

/** What a flow or task body can know about the run it executes in. */
export interface RunContext {
  flowRunId: string | null;
  /** The flow run's name, e.g. `rapid-beaver-16`. */
  flowRunName: string | null;
  flowName: string | null;
  /** Set inside a task. */
  taskRunId: string | null;
  /** The task run's name, e.g. `say-name-0`. */
  taskRunName: string | null;
  taskName: string | null;
  /** The flow run's validated parameters. */
  parameters: Parameters;
  /** 1 on the first attempt of the innermost run (task inside a task, else flow), 2 on the first retry, … */
  attempt: number;
  deploymentId: string | null;
  /** The slot a scheduled run was created for. */
  scheduledTime: string | null;
  /** Aborted when the run times out or is cancelled; pass it to fetch() and friends. */
  signal: AbortSignal;
}

/** The current run's context; throws outside a flow or task run. */
export function getRunContext(): RunContext {
  const scope = runScopeStorage.getStore();
  if (scope === undefined) throw new WeirError("BAD_REQUEST", "getRunContext() was called outside a flow or task run");
  const flow = currentFlowScope(scope);
  const isTask = scope.kind === "task";
  return {
    flowRunId: flow?.flowRunId ?? null,
    flowRunName: flow?.flowRunName ?? null,
    flowName: flow?.flowName ?? null,
    taskRunId: isTask ? scope.taskRunId : null,
    taskRunName: isTask ? scope.taskRunName : null,
    taskName: isTask ? scope.taskName : null,
    parameters: flow?.parameters ?? {},
    attempt: scope.attempt,
    deploymentId: flow?.deploymentId ?? null,
    scheduledTime: flow?.scheduledTime ?? null,
    signal: scope.signal,
  };
}
