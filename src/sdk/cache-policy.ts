/**
 * Cache policies: what a task's cache key is made of, as values that compose (the idea of
 * Prefect 3's cache policies). Each policy is a list of key parts:
 * - `inputs`: the call's arguments, as sorted-key JSON (`inputs.excluding("verbose")` leaves
 *   parameters out by name);
 * - `taskSource`: the task function's source text (`fn.toString()`), so a code change is a miss;
 *   code the function calls (helpers, modules) is not part of it;
 * - `flowParameters`: the flow run's parameters (`flowParameters.excluding("dryRun")`);
 * - `runId`: the flow run's id, so results are shared only within one flow run;
 * - `cacheKey(fn)`: a key of your own;
 * - `none`: no caching.
 * `a.and(b)` makes one key of both. A part that has no value for a call (`runId` outside a flow
 * run, a key function returning null or undefined) means that call is not cached; `none` combined
 * with anything is still `none`. The key is `<task key>:<part>` for one part (the same keys
 * `"inputs"` and key functions gave before policies were values), else `<task key>:<sha256 of the parts>`.
 */
import { createHash } from "node:crypto";
import { WeirError } from "../core/weir-error.js";
import { assertSerializable } from "./assert-serializable.js";
import { parameterNamesOf } from "./parameter-names.js";
import { stableJson } from "./stable-json.js";

/** What a cache-key function receives besides the call's arguments. */
export interface CacheKeyContext {
  taskKey: string;
  taskName: string;
  /** The flow run the call is in; null outside a flow run. */
  flowRunId: string | null;
  /** The flow run's parameters; `{}` outside a flow run. */
  parameters: Record<string, unknown>;
}

/** A key of your own for a task call; null or undefined: do not cache this call. */
export type CacheKeyFunction = (context: CacheKeyContext, args: readonly unknown[]) => string | null | undefined;

/** The task function, as a cache policy sees it. */
export type CachedFunction = (...args: never[]) => unknown;

/**
 * What a task's cache key is made of. Build one from `inputs`, `taskSource`, `flowParameters`,
 * `runId`, `cacheKey(fn)` and `none`.
 * @example cache: { policy: inputs.and(taskSource) }
 */
export interface CachePolicy {
  /** The policy as written, e.g. `inputs + taskSource`. */
  readonly description: string;
  /**
   * A policy whose key is made of this one's parts and the other's.
   * @example inputs.and(taskSource, flowParameters)
   */
  and(...others: CachePolicyOption[]): CachePolicy;
  /**
   * The same policy leaving out, by name, parameters of the task (from `inputs`; a key of a
   * destructured object parameter works too) and flow parameters (from `flowParameters`).
   * @example inputs.excluding("verbose")
   */
  excluding(...names: string[]): CachePolicy;
}

/** A cache policy, or its short forms: `"inputs"`, `"none"`, or a key function. */
export type CachePolicyOption = CachePolicy | "inputs" | "none" | CacheKeyFunction;

/** One ingredient of a key. */
interface KeyPart {
  readonly description: string;
  /** The part's text for one call; null: the call is not cached. */
  compute(context: CacheKeyContext, args: readonly unknown[], fn: CachedFunction): string | null;
  /** The same part leaving these names out; undefined when names mean nothing to it. */
  excluding?(names: readonly string[]): KeyPart;
  /** Throw when the part cannot work with this task function (e.g. an excluded name it lacks). */
  check?(fn: CachedFunction, taskName: string): void;
}

class ComposedCachePolicy implements CachePolicy {
  constructor(
    readonly parts: readonly KeyPart[],
    readonly isNone = false,
  ) {}

  get description(): string {
    return this.isNone ? "none" : this.parts.map((part) => part.description).join(" + ");
  }

  and(...others: CachePolicyOption[]): CachePolicy {
    const policies = [this, ...others.map((other) => toCachePolicy(other, "and()"))];
    if (policies.some((policy) => policy.isNone)) return none;
    return new ComposedCachePolicy(policies.flatMap((policy) => policy.parts));
  }

  excluding(...names: string[]): CachePolicy {
    if (names.some((name) => typeof name !== "string" || name === "")) {
      throw WeirError.validation(`${this.description}.excluding()`, [{ path: "names", message: "must be parameter names" }]);
    }
    if (this.isNone || !this.parts.some((part) => part.excluding !== undefined)) {
      throw WeirError.validation(`${this.description}.excluding()`, [{ path: "names", message: "only inputs and flowParameters can leave names out" }]);
    }
    return new ComposedCachePolicy(this.parts.map((part) => part.excluding?.(names) ?? part));
  }

  toString(): string {
    return this.description;
  }
}

/** The call's arguments (sorted-key JSON), leaving out the named parameters. */
function inputsPart(excluded: readonly string[]): KeyPart {
  const droppers = new WeakMap<CachedFunction, (args: readonly unknown[]) => unknown[]>();
  const dropperFor = (fn: CachedFunction, taskName: string) => {
    let drop = droppers.get(fn);
    if (drop === undefined) {
      drop = excludingDropper(fn, excluded, taskName);
      droppers.set(fn, drop);
    }
    return drop;
  };
  return {
    description: excluded.length === 0 ? "inputs" : `inputs.excluding(${excluded.map((name) => JSON.stringify(name)).join(", ")})`,
    compute(context, args, fn) {
      const kept = excluded.length === 0 ? args : dropperFor(fn, context.taskName)(args);
      assertSerializable(kept, `inputs of task '${context.taskName}' (cache policy "inputs")`);
      return sha256(stableJson(kept));
    },
    excluding: (names) => inputsPart([...new Set([...excluded, ...names])]),
    check(fn, taskName) {
      if (excluded.length > 0) dropperFor(fn, taskName);
    },
  };
}

// A function removing the excluded parameters from a call's arguments: positional ones become
// absent, keys of a destructured object parameter are left out of that argument.
function excludingDropper(fn: CachedFunction, excluded: readonly string[], taskName: string): (args: readonly unknown[]) => unknown[] {
  const parameters = parameterNamesOf(fn);
  const positions = new Set<number>();
  const keysAt = new Map<number, string[]>();
  for (const name of excluded) {
    const position = parameters.findIndex((parameter) => parameter.name === name);
    const keyed = parameters.findIndex((parameter) => parameter.keys.includes(name));
    if (position >= 0) positions.add(position);
    else if (keyed >= 0) keysAt.set(keyed, [...(keysAt.get(keyed) ?? []), name]);
    else {
      const known = parameters.flatMap((parameter) => (parameter.name === null ? parameter.keys : [parameter.name]));
      throw WeirError.validation(`cache policy of task '${taskName}'`, [
        { path: "cache.policy", message: `inputs.excluding: the task has no parameter '${name}' (its parameters: ${known.join(", ") || "none"})` },
      ]);
    }
  }
  const restAt = parameters.findIndex((parameter) => parameter.isRest);
  return (args) =>
    args.map((arg, index) => {
      const at = restAt >= 0 && index > restAt ? restAt : index;
      if (positions.has(at)) return undefined;
      const keys = keysAt.get(at);
      if (keys === undefined || arg === null || typeof arg !== "object" || Array.isArray(arg)) return arg;
      const copy = { ...(arg as Record<string, unknown>) };
      for (const key of keys) delete copy[key];
      return copy;
    });
}

const sourceHashes = new WeakMap<CachedFunction, string>();

/** The task function's source text, hashed once per function. */
const taskSourcePart: KeyPart = {
  description: "taskSource",
  compute(_context, _args, fn) {
    let hash = sourceHashes.get(fn);
    if (hash === undefined) {
      hash = sha256(fn.toString());
      sourceHashes.set(fn, hash);
    }
    return hash;
  },
};

/** The flow run's parameters (sorted-key JSON), leaving out the named ones. */
function flowParametersPart(excluded: readonly string[]): KeyPart {
  return {
    description: excluded.length === 0 ? "flowParameters" : `flowParameters.excluding(${excluded.map((name) => JSON.stringify(name)).join(", ")})`,
    compute(context) {
      let parameters = context.parameters;
      if (excluded.length > 0) {
        parameters = { ...parameters };
        for (const name of excluded) delete parameters[name];
      }
      assertSerializable(parameters, `flow parameters (cache policy of task '${context.taskName}')`);
      return sha256(stableJson(parameters));
    },
    excluding: (names) => flowParametersPart([...new Set([...excluded, ...names])]),
  };
}

/** The flow run's id: nothing is cached outside a flow run. */
const runIdPart: KeyPart = {
  description: "runId",
  compute: (context) => context.flowRunId,
};

function keyFunctionPart(keyOf: CacheKeyFunction): KeyPart {
  return {
    description: `cacheKey(${keyOf.name || "fn"})`,
    compute(context, args) {
      const key = keyOf(context, args);
      if (key === null || key === undefined) return null;
      if (typeof key !== "string" || key.length === 0) {
        throw WeirError.validation(`cache key of task '${context.taskName}'`, [{ path: "cache.policy", message: "must return a non-empty string" }]);
      }
      return key;
    },
  };
}

/** The call's arguments: equal inputs (as sorted-key JSON) share a cached result. */
export const inputs: CachePolicy = new ComposedCachePolicy([inputsPart([])]);

/** The task function's source (`fn.toString()`, hashed once per function): a change to the function's code is a miss. */
export const taskSource: CachePolicy = new ComposedCachePolicy([taskSourcePart]);

/** The flow run's parameters: runs with equal parameters share a cached result. */
export const flowParameters: CachePolicy = new ComposedCachePolicy([flowParametersPart([])]);

/** The flow run's id: a result is shared only within one flow run (calls outside a flow run are not cached). */
export const runId: CachePolicy = new ComposedCachePolicy([runIdPart]);

/** No caching; `none` combined with anything is still `none`. */
export const none: CachePolicy = new ComposedCachePolicy([], true);

/**
 * A policy from a key function of your own (null or undefined: do not cache that call).
 * @example cacheKey((_context, [path]) => String(path).split(".").pop())
 */
export function cacheKey(keyOf: CacheKeyFunction): CachePolicy {
  if (typeof keyOf !== "function") throw WeirError.validation("cacheKey()", [{ path: "keyOf", message: "must be a function (context, args) => string" }]);
  return new ComposedCachePolicy([keyFunctionPart(keyOf)]);
}

/** A policy from any of its spellings; throws VALIDATION naming `where` for anything else. */
export function toCachePolicy(option: unknown, where = "cache.policy"): ComposedCachePolicy {
  if (option instanceof ComposedCachePolicy) return option;
  if (option === "inputs") return inputs as ComposedCachePolicy;
  if (option === "none") return none as ComposedCachePolicy;
  if (typeof option === "function") return cacheKey(option as CacheKeyFunction) as ComposedCachePolicy;
  throw WeirError.validation(where, [
    { path: "cache.policy", message: 'must be a cache policy (inputs, taskSource, flowParameters, runId, cacheKey(fn), none, combined with .and()), "inputs", "none" or a key function' },
  ]);
}

/** Whether a policy never caches. */
export function isNoCachePolicy(policy: CachePolicy): boolean {
  return (policy as ComposedCachePolicy).isNone;
}

/** Check a policy against its task function once, when the task is defined (e.g. excluded names it lacks). */
export function checkCachePolicy(policy: CachePolicy, fn: CachedFunction, taskName: string): void {
  for (const part of (policy as ComposedCachePolicy).parts) part.check?.(fn, taskName);
}

/** The cache key of one call of a task (null: do not cache this call). */
export function computeCacheKey(policy: CachePolicy, context: CacheKeyContext, args: readonly unknown[], fn: CachedFunction): string | null {
  const { parts } = policy as ComposedCachePolicy;
  if (parts.length === 1) {
    const only = parts[0]!.compute(context, args, fn);
    return only === null ? null : `${context.taskKey}:${only}`;
  }
  if (parts.length === 0) return null;
  const texts: string[] = [];
  for (const part of parts) {
    const text = part.compute(context, args, fn);
    if (text === null) return null;
    texts.push(`${part.description}=${text}`);
  }
  return `${context.taskKey}:${sha256(texts.join("\n"))}`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
