import { createHash } from "node:crypto";
import { WeirError } from "../core/weir-error.js";
import { assertSerializable } from "./assert-serializable.js";

/** What a custom cache-key function receives. */
export interface CacheKeyContext {
  taskKey: string;
  taskName: string;
  flowRunId: string | null;
  parameters: Record<string, unknown>;
}

/** How a task's cache key is made: from its inputs, never, or by a function. */
export type CachePolicy = "inputs" | "none" | ((context: CacheKeyContext, args: readonly unknown[]) => string | null | undefined);

/** The cache key of a task call (null: do not cache this call). */
export function computeCacheKey(policy: CachePolicy, context: CacheKeyContext, args: readonly unknown[]): string | null {
  if (policy === "none") return null;
  if (policy === "inputs") {
    assertSerializable(args, `inputs of task '${context.taskName}' (cache policy "inputs")`);
    return `${context.taskKey}:${createHash("sha256").update(stableJson(args)).digest("hex")}`;
  }
  const key = policy(context, args);
  if (key === null || key === undefined) return null;
  if (typeof key !== "string" || key.length === 0) {
    throw WeirError.validation(`cache key of task '${context.taskName}'`, [{ path: "cache.policy", message: "must return a non-empty string" }]);
  }
  return `${context.taskKey}:${key}`;
}

/** JSON with object keys sorted, so equal inputs give equal keys. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== "object" || Array.isArray(item) || item instanceof Date) return item;
    return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }) ?? "undefined";
}
