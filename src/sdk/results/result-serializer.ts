/**
 * How a result becomes bytes and back: JSON (the default; a value JSON cannot hold fails with the
 * path and type of the part it cannot, never a silent `null`), raw bytes (a `Uint8Array` or
 * `Buffer`, stored as is), or a user-supplied `{ name, dumps, loads }`. The serializer's name is
 * recorded in the run's state so that a reader decodes with the same one.
 */
import { WeirError } from "../../core/weir-error.js";
import { assertSerializable } from "../assert-serializable.js";

/** A way to turn values into bytes and back. */
export interface ResultSerializer {
  /** Recorded in the state; `json` and `bytes` are Weir's own. */
  readonly name: string;
  /** The value as bytes (a string is stored as UTF-8); throw when the value cannot be stored. */
  dumps(value: unknown): Uint8Array | string;
  /** The value back from its bytes. */
  loads(data: Uint8Array): unknown;
}

/** What a task or flow may name as its serializer. */
export type ResultSerializerOption = "json" | "bytes" | ResultSerializer;

/** JSON, in the envelope Weir has always written (`{ value, isUndefined }`). */
export const jsonSerializer: ResultSerializer = Object.freeze({
  name: "json",
  dumps(value: unknown): string {
    assertSerializable(value, "the result", "result");
    return JSON.stringify({ value: value === undefined ? null : value, isUndefined: value === undefined });
  },
  loads(data: Uint8Array): unknown {
    const parsed = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8")) as { value: unknown; isUndefined?: boolean };
    return parsed.isUndefined === true ? undefined : parsed.value;
  },
});

/** Raw bytes: a `Uint8Array` (a `Buffer` is one) stored as is, read back as a `Buffer`. */
export const bytesSerializer: ResultSerializer = Object.freeze({
  name: "bytes",
  dumps(value: unknown): Uint8Array {
    if (value instanceof Uint8Array) return value;
    throw new WeirError("NOT_SERIALIZABLE", `the raw-bytes serializer stores only a Uint8Array or Buffer, got ${describeType(value)}`, { details: { found: describeType(value) } });
  },
  loads(data: Uint8Array): unknown {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  },
});

/** The serializer a value is written with: the chosen one, else bytes for a `Uint8Array` and JSON for the rest. */
export function serializerFor(value: unknown, option: ResultSerializerOption | null): ResultSerializer {
  if (option === null) return value instanceof Uint8Array ? bytesSerializer : jsonSerializer;
  return compileSerializer(option);
}

/** The serializer of an option (VALIDATION when it is not one). */
export function compileSerializer(option: ResultSerializerOption): ResultSerializer {
  if (option === "json") return jsonSerializer;
  if (option === "bytes") return bytesSerializer;
  if (typeof option !== "object" || option === null || typeof option.dumps !== "function" || typeof option.loads !== "function" || typeof option.name !== "string" || option.name === "") {
    throw new WeirError("VALIDATION", `result serializer: expected "json", "bytes" or { name, dumps, loads }`);
  }
  return option;
}

/** The serializer that reads a result written by the one named `name`; null when none here knows it. */
export function serializerNamed(name: string, option: ResultSerializerOption | null): ResultSerializer | null {
  if (name === "json") return jsonSerializer;
  if (name === "bytes") return bytesSerializer;
  return option !== null && typeof option === "object" && option.name === name ? option : null;
}

/** Bytes of a value through a serializer; NOT_SERIALIZABLE naming `what` and the type when it cannot. */
export function dumpWith(serializer: ResultSerializer, value: unknown, what: string): Uint8Array {
  // JSON's own check names the path of the part it cannot hold (`result.rows[3] is a function`).
  if (serializer === jsonSerializer) assertSerializable(value, what, "result");
  let dumped: Uint8Array | string;
  try {
    dumped = serializer.dumps(value);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const details = error instanceof WeirError ? error.details : undefined;
    throw new WeirError("NOT_SERIALIZABLE", `${what} cannot be stored by the '${serializer.name}' serializer (${describeType(value)}): ${message}`, {
      cause: error,
      ...(details === undefined ? {} : { details }),
    });
  }
  if (typeof dumped === "string") return Buffer.from(dumped, "utf8");
  if (dumped instanceof Uint8Array) return dumped;
  throw new WeirError("NOT_SERIALIZABLE", `${what}: the '${serializer.name}' serializer's dumps returned ${describeType(dumped)}, not a Uint8Array or string`);
}

/** A value's type as a message names it: `a string`, `a Map instance`, `null`. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "object") {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    if (Array.isArray(value)) return "an array";
    return name && name !== "Object" ? `a ${name} instance` : "an object";
  }
  if (typeof value === "function") return "a function";
  return `a ${typeof value}`;
}
