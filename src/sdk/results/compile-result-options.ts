/**
 * The result options a task or flow accepts (`resultStorage`, `resultSerializer`), validated at
 * definition time so a typo fails where it is written. Names are resolved to stores only when a
 * result is written, so `local` follows the `WEIR_HOME` of that moment.
 */
import { WeirError } from "../../core/weir-error.js";
import type { ResultSettings } from "./persist-result.js";
import { compileSerializer, type ResultSerializerOption } from "./result-serializer.js";
import { checkResultStorage, type ResultStorageOption } from "./result-store-for.js";

/** The result options of a task or flow. */
export interface ResultOptions {
  /**
   * Where persisted results go: `local`, `server`, `s3://bucket/prefix`, `file:///path`, a
   * directory, or a `ResultStore`. @default WEIR_RESULT_STORAGE, else `server` with WEIR_API_URL, else `local` (a task: its flow's)
   */
  resultStorage?: ResultStorageOption;
  /** How results become bytes: `json`, `bytes` or `{ name, dumps, loads }`. @default bytes for a Uint8Array, else json (a task: its flow's) */
  resultSerializer?: ResultSerializerOption;
}

/** Validate result options; the fields of `what`'s VALIDATION error are named as in the options. */
export function compileResultOptions(options: ResultOptions, what: string): ResultSettings {
  const { resultStorage, resultSerializer } = options;
  try {
    if (typeof resultStorage === "string") checkResultStorage(resultStorage);
    else if (resultStorage !== undefined && (typeof resultStorage !== "object" || resultStorage === null || typeof resultStorage.write !== "function" || typeof resultStorage.read !== "function")) {
      throw new WeirError("VALIDATION", "expected a store name or URL, or an object with write and read");
    }
  } catch (error) {
    throw WeirError.validation(what, [{ path: "resultStorage", message: (error as Error).message }]);
  }
  try {
    if (resultSerializer !== undefined) compileSerializer(resultSerializer);
  } catch (error) {
    throw WeirError.validation(what, [{ path: "resultSerializer", message: (error as Error).message }]);
  }
  return Object.freeze({ storage: resultStorage ?? null, serializer: resultSerializer ?? null });
}

/** A task's result settings over its flow's: each field the task leaves unset is the flow's. */
export function inheritResultSettings(own: ResultSettings, flow: ResultSettings | undefined): ResultSettings {
  if (flow === undefined) return own;
  return { storage: own.storage ?? flow.storage, serializer: own.serializer ?? flow.serializer };
}
