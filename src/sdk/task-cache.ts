/**
 * A task's `cache` option: its policy (cache-policy.ts), expiry, refresh and validity check,
 * compiled once when the task is defined, and the two steps the task engine takes with it: the
 * key of a call, and whether a cached entry may still be used. A task without `cache` never
 * reaches this module.
 */
import { WeirError } from "../core/weir-error.js";
import { checkKnownOptions } from "../core/option-checks.js";
import type { CacheKeyContext, CachePolicy, CachePolicyOption, CachedFunction } from "./cache-policy.js";
import { checkCachePolicy, computeCacheKey, inputs, isNoCachePolicy, toCachePolicy } from "./cache-policy.js";
import type { RunLogTarget } from "./failure-log.js";
import { getEngineEffects } from "./engine-effects.js";
import { TASK_CACHE_OPTION_ALIASES } from "./option-aliases.js";
import { printRunLine } from "./run-logger.js";

/** A cached entry, as a validity check sees it. */
export interface CacheEntry<R = unknown> {
  /** The cached value (read back from its result store). */
  value: R;
  /** The cache key. */
  key: string;
  /** The task run that computed the value. */
  taskRunId: string;
  /** When the entry expires; null: never. */
  expiresAt: string | null;
  /** The arguments of the call looking the entry up. */
  args: readonly unknown[];
}

/** Whether a cached entry may still be used; false (or a throw) makes it a miss. */
export type CacheValidityCheck<R = unknown> = (entry: CacheEntry<R>) => boolean | Promise<boolean>;

/** Caching of a task's results across runs. */
export interface TaskCacheOptions<R = unknown> {
  /**
   * What the cache key is made of: a policy value (`inputs`, `taskSource`, `flowParameters`,
   * `runId`, `cacheKey(fn)`, `none`, combined with `.and()`), `"inputs"`, `"none"` or a key function.
   * @default inputs
   */
  policy?: CachePolicyOption;
  /** How long a cached result stays valid; unset: forever. @default undefined */
  expirationSeconds?: number;
  /** Run anyway and store a fresh result under the key. @default false */
  refresh?: boolean;
  /**
   * Checked on every hit before the cached value is used: false makes the entry a miss, so the
   * task runs and its new result replaces the entry. A check that throws counts as false (with a
   * WARNING log naming the task).
   * @default undefined (every unexpired entry is valid)
   * @example isValid: ({ value }) => existsSync(value.path)
   */
  isValid?: CacheValidityCheck<R>;
}

/** A task's cache option, validated. */
export interface CompiledTaskCache {
  readonly policy: CachePolicy;
  readonly expirationSeconds: number | null;
  readonly refresh: boolean;
  readonly isValid: CacheValidityCheck | null;
}

const TASK_CACHE_OPTION_KEYS = Object.keys({ policy: true, expirationSeconds: true, refresh: true, isValid: true } satisfies Record<keyof TaskCacheOptions, true>);

/** Validate a task's `cache` option (null: the task is not cached); `fn` is the task function, checked against the policy. */
export function compileTaskCache(cache: TaskCacheOptions<never> | undefined, taskName: string, fn?: CachedFunction): CompiledTaskCache | null {
  if (cache === undefined) return null;
  const what = `options of task '${taskName || "(anonymous)"}'`;
  const owner = `task '${taskName || "(anonymous)"}'`;
  if (cache === null || typeof cache !== "object" || Array.isArray(cache)) {
    throw WeirError.validation(what, [{ path: "cache", message: "must be an object, e.g. { policy: inputs }" }]);
  }
  checkKnownOptions(cache, { kind: "task", known: TASK_CACHE_OPTION_KEYS, aliases: TASK_CACHE_OPTION_ALIASES, path: "cache", owner });
  const expiration = cache.expirationSeconds;
  if (expiration !== undefined && (typeof expiration !== "number" || !Number.isFinite(expiration) || expiration <= 0)) {
    throw WeirError.validation(what, [{ path: "cache.expirationSeconds", message: "must be a number > 0" }]);
  }
  if (cache.refresh !== undefined && typeof cache.refresh !== "boolean") {
    throw WeirError.validation(what, [{ path: "cache.refresh", message: "must be true or false" }]);
  }
  if (cache.isValid !== undefined && typeof cache.isValid !== "function") {
    throw WeirError.validation(what, [{ path: "cache.isValid", message: "must be a function ({ value, key, … }) => boolean" }]);
  }
  const policy = toCachePolicy(cache.policy ?? inputs, what);
  if (isNoCachePolicy(policy)) return null;
  if (fn !== undefined) checkCachePolicy(policy, fn, taskName);
  return Object.freeze({
    policy,
    expirationSeconds: expiration ?? null,
    refresh: cache.refresh ?? false,
    isValid: (cache.isValid as CacheValidityCheck | undefined) ?? null,
  });
}

/** The cache key of one call (null: this call is not cached). */
export function taskCacheKey(cache: CompiledTaskCache, context: CacheKeyContext, args: readonly unknown[], fn: CachedFunction): string | null {
  return computeCacheKey(cache.policy, context, args, fn);
}

/**
 * Whether a cache hit may be used: true without a check; else the check's answer. A check that
 * is false is logged (INFO), one that throws is logged (WARNING, naming the task): both are misses.
 */
export async function isCacheEntryUsable(cache: CompiledTaskCache, entry: CacheEntry, taskName: string, log: RunLogTarget): Promise<boolean> {
  if (cache.isValid === null) return true;
  try {
    if (await cache.isValid(entry)) return true;
    writeLine(log, "INFO", `cached result of task run ${entry.taskRunId} is no longer valid (cache.isValid said no): task '${taskName}' runs again`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    writeLine(log, "WARNING", `cache.isValid of task '${taskName}' threw, so its cached result (task run ${entry.taskRunId}) is not used and the task runs again: ${reason}`);
  }
  return false;
}

function writeLine(target: RunLogTarget, level: "INFO" | "WARNING", message: string): void {
  void target.buffer.addLog({
    flowRunId: target.flowRunId,
    taskRunId: target.taskRunId,
    level,
    name: "weir.task_runs",
    message,
    timestamp: getEngineEffects().clock.now().toISOString(),
  });
  printRunLine(target.who, level, message, true);
}
