import type { OrchestrationApi } from "../client/orchestration-api.js";
import { getClient } from "./client-provider.js";
import { runScopeStorage } from "./run-scope.js";

async function clientNow(): Promise<OrchestrationApi> {
  return runScopeStorage.getStore()?.client ?? (await getClient());
}

/**
 * Named JSON values shared across runs (`weir variable set|get`).
 * @example const region = await Variables.get("region", "eu-west-1");
 */
export const Variables = Object.freeze({
  /** The variable's value, or `defaultValue` (default null) when it is unset. */
  async get<T = unknown>(name: string, defaultValue: T | null = null): Promise<T | null> {
    const variable = await (await clientNow()).getVariable(name);
    return variable === null ? defaultValue : (variable.value as T);
  },
  /** Set (create or replace) a variable. */
  async set(name: string, value: unknown, options: { tags?: string[] } = {}): Promise<void> {
    await (await clientNow()).setVariable(name, value, options.tags);
  },
  /** Remove a variable. */
  async unset(name: string): Promise<void> {
    await (await clientNow()).deleteVariable(name);
  },
});
