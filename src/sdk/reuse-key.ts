/**
 * The reuse key of a task call: what a retried flow run matches to reuse a task run of an earlier
 * attempt. It is the task key, a hash of the inputs (sorted-key JSON, reuse-json.ts) and a hash of
 * the task function's source, so a call with other inputs or after a code change runs again.
 * Computed for every task call inside a flow run and stored in its final state's `details`, so it
 * stays cheap: the source hash is computed once per function, and a call without arguments hashes
 * nothing.
 */
import { createHash } from "node:crypto";
import type { ResultRef } from "../core/states.js";
import { reuseJsonOf } from "./reuse-json.js";

/** What a completed task run stores in its state's `details` to be reusable by a retry. */
export interface ReuseDetails {
  reuseKey: string;
  /** The flow-run attempt (run count) that computed the result. */
  flowAttempt: number;
  /** The task returned `undefined` (no result is stored then). */
  isUndefined?: boolean;
}

/** Largest result (JSON characters) kept inline in a task run's state for reuse. @default 65536 */
export const MAX_INLINE_RESULT_CHARS = 64 * 1024;

const sourceHashes = new WeakMap<object, string>();
const NO_INPUTS = "-";

/** The reuse key of one call, or null when its inputs cannot be stored as JSON (such a call always runs). */
export function reuseKeyOf(taskKey: string, body: (...args: never[]) => unknown, args: readonly unknown[]): string | null {
  let source = sourceHashes.get(body);
  if (source === undefined) {
    source = hash(body.toString());
    sourceHashes.set(body, source);
  }
  let inputs = NO_INPUTS;
  if (args.length > 0) {
    if (isPrimitiveList(args)) {
      // Short primitive inputs are their own key: no hash to compute on the common path.
      const text = JSON.stringify(args);
      inputs = text.length <= SHORT_INPUTS_CHARS ? text : hash(text);
    } else {
      const text = reuseJsonOf(args);
      if (text === null) return null;
      inputs = hash(text);
    }
  }
  return `${taskKey}:${inputs}:${source}`;
}

const SHORT_INPUTS_CHARS = 128;

// Strings, finite numbers, booleans and null: JSON keeps them exactly (NaN would become null).
function isPrimitiveList(args: readonly unknown[]): boolean {
  for (const arg of args) {
    const kind = typeof arg;
    if (arg !== null && kind !== "string" && kind !== "boolean" && !(kind === "number" && Number.isFinite(arg))) return false;
  }
  return true;
}

/**
 * The inline form of a task's value for reuse, `undefined` when the value is `undefined` (marked by
 * `isUndefined`), or null when it is too large or not JSON (then only a persisted result can be reused).
 */
export function inlineResultOf(value: unknown): ResultRef | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return { kind: "inline", value };
  if (typeof value === "string") return value.length <= MAX_INLINE_RESULT_CHARS ? { kind: "inline", value } : null;
  if (typeof value !== "object") return null;
  const text = reuseJsonOf(value);
  // Stored as JSON like any state, so a Date comes back as its ISO text, as with persisted results.
  return text !== null && text.length <= MAX_INLINE_RESULT_CHARS ? { kind: "inline", value } : null;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}
