import { Option } from "commander";
import { findTooDeep, MAX_JSON_DEPTH } from "../core/json-depth.js";
import type { Parameters } from "../core/models.js";
import { UsageError } from "./usage-error.js";

/** What `--param` and `--params` leave in a command's options. */
export interface ParameterOptions {
  param?: string[];
  params?: string;
}

/**
 * The two options that give a flow its parameters, declared once for every command that starts
 * a run (`weir run`, `weir deployment run`): `command.addOption(paramOption()).addOption(paramsOption())`.
 * Both read the values with `parametersForSchema`, by the schema of the flow they run.
 */
export function paramOption(): Option {
  return new Option("-p, --param <key=value>", "a flow parameter (repeatable), read by the flow's parameter types: a text parameter keeps 42 as text, numbers, true/false and JSON arrays/objects are parsed").argParser(collectValues);
}

/** `--params <json>`: see `paramOption`. */
export function paramsOption(): Option {
  return new Option("--params <json>", "all parameters as one JSON object (--param entries go over it)");
}

/** How messages name the option and what it gives: `--param`/parameter, or `--input`/input field for `weir flow-run resume`. */
export interface ParameterSpelling {
  flag: string;
  noun: string;
}

const PARAM_SPELLING: ParameterSpelling = { flag: "--param", noun: "parameter" };

/** The parameters `--params` and `--param` name (see `parseParameters`). */
export function parametersOf(options: ParameterOptions): Parameters {
  return parseParameters(options.param, options.params);
}

/**
 * The parameters `--params` and `--param` name, read against the JSON Schema of the target's
 * flow (a deployment's stored schema for `weir deployment run`, the loaded flow's for `weir run`;
 * `owner` names it in errors). Each `--param` value is parsed by its property's type: a string
 * keeps its text (`--param name=42` is "42"), a number or integer must parse as one, a boolean is
 * `true`/`false`, an array or object is JSON; a value of the wrong type is a UsageError naming the
 * expected type with an example (`--param count=abc: 'count' expects a number, e.g. --param count=3`).
 * A name the schema does not know is refused unless the schema admits other properties
 * (`additionalProperties`), since a flow's parser would otherwise drop a misspelt parameter
 * without a word. With no schema, as `parametersOf`.
 * @example parametersForSchema({ param: ["name=5"] }, { type: "object", properties: { name: { type: "string" } } }, "greeting/basic") // { name: "5" }
 */
export function parametersForSchema(options: ParameterOptions, schema: Record<string, unknown> | null, owner: string, spelling: ParameterSpelling = PARAM_SPELLING): Parameters {
  const properties = schema?.properties;
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) return parseParameters(options.param, options.params, undefined, spelling);
  const known = properties as Record<string, unknown>;
  const parameters = parseParameters(options.param, options.params, (key, text) => parseTypedValue(key, text, jsonTypesOf(known[key]), spelling.flag), spelling);
  const admitsOthers = schema?.additionalProperties !== undefined && schema.additionalProperties !== false;
  const unknown = admitsOthers ? [] : Object.keys(parameters).filter((key) => !Object.hasOwn(known, key));
  if (unknown.length > 0) {
    const names = Object.keys(known);
    throw new UsageError(
      `unknown ${spelling.noun}${unknown.length > 1 ? "s" : ""} ${unknown.map((key) => `'${key}'`).join(", ")} for ${owner}; ${names.length > 0 ? `its ${spelling.noun}s are: ${names.join(", ")}` : `it takes no ${spelling.noun}s`}`,
    );
  }
  return parameters;
}

/**
 * Flow parameters from the command line: `--params '{"a":1}'` first, then each `--param k=v`
 * over it. A value is parsed by `parseValue` when given (see `parametersForSchema`), else as JSON
 * when it parses (`n=3`, `on=true`, `tags=["a"]`) and kept as a string otherwise (`name=Navin`).
 * Bad syntax throws a UsageError naming the option.
 * @example parseParameters(["name=Navin", "n=3"]) // { name: "Navin", n: 3 }
 */
export function parseParameters(
  pairs: readonly string[] = [],
  paramsJson?: string,
  parseValue: (key: string, text: string) => unknown = (_key, text) => jsonOrText(text),
  spelling: ParameterSpelling = PARAM_SPELLING,
): Parameters {
  const parameters: Parameters = paramsJson === undefined ? {} : parseParamsObject(paramsJson, spelling.flag);
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`invalid ${spelling.flag} '${pair}': expected KEY=VALUE, e.g. ${spelling.flag} name=Navin`);
    const key = pair.slice(0, equals).trim();
    if (!key) throw new UsageError(`invalid ${spelling.flag} '${pair}': the key is empty`);
    parameters[key] = parseValue(key, pair.slice(equals + 1));
  }
  // Refused here, with the path, rather than overflowing the stack when the request is written.
  const tooDeep = findTooDeep(parameters, "parameters");
  if (tooDeep !== null) throw new UsageError(`invalid ${spelling.noun}s: ${tooDeep} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  return parameters;
}

/** Commander option collector: appends each repeated `--param` to a list. */
export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parseParamsObject(text: string, flag: string): Parameters {
  const option = `${flag}s`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`invalid ${option}: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`invalid ${option}: expected a JSON object, e.g. ${option} '{"name":"Navin"}'`);
  }
  return { ...(value as Parameters) };
}

function jsonOrText(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

type JsonType = "string" | "number" | "integer" | "boolean" | "array" | "object" | "null";

const EXPECTED: Readonly<Record<JsonType, { words: string; example: string }>> = {
  string: { words: "text", example: "text" },
  number: { words: "a number", example: "3" },
  integer: { words: "a whole number", example: "3" },
  boolean: { words: "true or false", example: "true" },
  array: { words: "a JSON array", example: '\'["a","b"]\'' },
  object: { words: "a JSON object", example: '\'{"key":"value"}\'' },
  null: { words: "null", example: "null" },
};

// A `--param` value read as its property's type (null: any type, as JSON or else text).
function parseTypedValue(key: string, text: string, types: ReadonlySet<JsonType> | null, flag: string): unknown {
  if (types === null) return jsonOrText(text);
  const parsed = jsonOrText(text);
  if ([...types].some((type) => type !== "string" && hasJsonType(parsed, type))) return parsed;
  if (types.has("string")) return text;
  const expected = [...types].filter((type) => type !== "null" || types.size === 1);
  const first = EXPECTED[expected[0] ?? "null"];
  throw new UsageError(`${flag} ${key}=${text}: '${key}' expects ${expected.map((type) => EXPECTED[type].words).join(" or ")}, e.g. ${flag} ${key}=${first.example}`);
}

function hasJsonType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "null":
      return value === null;
  }
}

// The JSON types a property admits (type, enum, const, anyOf/oneOf), or null when any.
function jsonTypesOf(property: unknown): ReadonlySet<JsonType> | null {
  if (typeof property !== "object" || property === null) return null;
  const { type, enum: values, const: constant, anyOf, oneOf } = property as Record<string, unknown>;
  if (typeof type === "string") return isJsonType(type) ? new Set([type]) : null;
  if (Array.isArray(type)) return type.every(isJsonType) ? new Set(type) : null;
  if (Array.isArray(values) && values.length > 0) return new Set(values.map(jsonTypeOfValue));
  if (constant !== undefined) return new Set([jsonTypeOfValue(constant)]);
  const options = Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : null;
  if (options === null || options.length === 0) return null;
  const types = new Set<JsonType>();
  for (const option of options) {
    const some = jsonTypesOf(option);
    if (some === null) return null;
    for (const one of some) types.add(one);
  }
  return types;
}

function isJsonType(value: unknown): value is JsonType {
  return typeof value === "string" && Object.hasOwn(EXPECTED, value);
}

function jsonTypeOfValue(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const type = typeof value;
  return type === "number" || type === "boolean" || type === "object" ? type : "string";
}
