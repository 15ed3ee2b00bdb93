import type { OrchestrationApi } from "../client/orchestration-api.js";
import { WeirError } from "../core/weir-error.js";
import { getClient } from "./client-provider.js";
import { currentFlowScope, runScopeStorage } from "./run-scope.js";
import { rememberSecretValue } from "./secret-redaction.js";

async function clientNow(): Promise<OrchestrationApi> {
  return runScopeStorage.getStore()?.client ?? (await getClient());
}

/** The executing run asking for a secret: the flow run, else (a task called alone) the task run. */
function executingRunId(name: string): string {
  const scope = runScopeStorage.getStore();
  const flow = currentFlowScope(scope);
  if (flow !== null) return flow.flowRunId;
  if (scope?.kind === "task") return scope.taskRunId;
  throw new WeirError("FORBIDDEN", `variable '${name}' is secret: its value is read only inside a flow or task run`);
}

/**
 * Named JSON values shared across runs (`weir variable set|get`). A secret variable's value is
 * given only inside a run, and is then redacted from the run's logs and errors.
 * @example const region = await Variables.get("region", "eu-west-1");
 */
export const Variables = Object.freeze({
  /** The variable's value (in clear for a secret one, inside a run), or `defaultValue` (default null) when it is unset. */
  async get<T = unknown>(name: string, defaultValue: T | null = null): Promise<T | null> {
    const client = await clientNow();
    const variable = await client.getVariable(name);
    if (variable === null) return defaultValue;
    if (!variable.isSecret) return variable.value as T;
    const value = await client.readSecretVariable(name, executingRunId(name));
    rememberSecretValue(value);
    return value as T;
  },
  /** Set (create or replace) a variable; `isSecret` keeps its value encrypted and write-only. */
  async set(name: string, value: unknown, options: { tags?: string[]; isSecret?: boolean } = {}): Promise<void> {
    const client = await clientNow();
    await client.setVariable(name, value, options.tags, options.isSecret === undefined ? {} : { isSecret: options.isSecret });
    if (options.isSecret === true) rememberSecretValue(value);
  },
  /** Remove a variable. */
  async unset(name: string): Promise<void> {
    await (await clientNow()).deleteVariable(name);
  },
});
