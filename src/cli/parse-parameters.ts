import { Option } from "commander";
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
 */
export function paramOption(): Option {
  return new Option("-p, --param <key=value>", "a flow parameter (repeatable; values parse as JSON when they can, text parameters of a deployment stay text)").argParser(collectValues);
}

/** `--params <json>`: see `paramOption`. */
export function paramsOption(): Option {
  return new Option("--params <json>", "all parameters as one JSON object (--param entries go over it)");
}

/** The parameters `--params` and `--param` name (see `parseParameters`). */
export function parametersOf(options: ParameterOptions): Parameters {
  return parseParameters(options.param, options.params);
}

/**
 * The parameters `--params` and `--param` name, read against the JSON Schema a deployment stores
 * for its flow (`owner` names it in errors): a `--param` whose property is a string keeps its text
 * as is (`--param name=5` is "5", not 5), and a name the schema does not know is refused, unless
 * the schema admits other properties (`additionalProperties`), because a flow's parser would
 * otherwise drop a misspelt parameter without a word. With no schema, as `parametersOf`.
 * @example parametersForSchema({ param: ["name=5"] }, { type: "object", properties: { name: { type: "string" } } }, "greeting/basic") // { name: "5" }
 */
export function parametersForSchema(options: ParameterOptions, schema: Record<string, unknown> | null, owner: string): Parameters {
  const properties = schema?.properties;
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) return parametersOf(options);
  const known = properties as Record<string, unknown>;
  const parameters = parseParameters(options.param, options.params, (key) => isStringSchema(known[key]));
  const admitsOthers = schema?.additionalProperties !== undefined && schema.additionalProperties !== false;
  const unknown = admitsOthers ? [] : Object.keys(parameters).filter((key) => !Object.hasOwn(known, key));
  if (unknown.length > 0) {
    const names = Object.keys(known);
    throw new UsageError(
      `unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.map((key) => `'${key}'`).join(", ")} for ${owner}; ${names.length > 0 ? `its parameters are: ${names.join(", ")}` : "it takes no parameters"}`,
    );
  }
  return parameters;
}

/**
 * Flow parameters from the command line: `--params '{"a":1}'` first, then each `--param k=v`
 * over it. A value is parsed as JSON when it parses (`n=3`, `on=true`, `tags=["a"]`), else kept
 * as a string (`name=Navin`), and always kept as text for the keys `keepsText` names. Bad syntax
 * throws a UsageError naming the option.
 * @example parseParameters(["name=Navin", "n=3"]) // { name: "Navin", n: 3 }
 */
export function parseParameters(pairs: readonly string[] = [], paramsJson?: string, keepsText: (key: string) => boolean = () => false): Parameters {
  const parameters: Parameters = paramsJson === undefined ? {} : parseParamsObject(paramsJson);
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`invalid --param '${pair}': expected KEY=VALUE, e.g. --param name=Navin`);
    const key = pair.slice(0, equals).trim();
    if (!key) throw new UsageError(`invalid --param '${pair}': the key is empty`);
    const text = pair.slice(equals + 1);
    parameters[key] = keepsText(key) ? text : parseValue(text);
  }
  return parameters;
}

/** Commander option collector: appends each repeated `--param` to a list. */
export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parseParamsObject(text: string): Parameters {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`invalid --params: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError("invalid --params: expected a JSON object, e.g. --params '{\"name\":\"Navin\"}'");
  }
  return { ...(value as Parameters) };
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

// A property that only ever holds text: `{type: "string"}` or an enum of strings.
function isStringSchema(property: unknown): boolean {
  if (typeof property !== "object" || property === null) return false;
  const { type, enum: values } = property as { type?: unknown; enum?: unknown };
  if (type === "string") return true;
  return type === undefined && Array.isArray(values) && values.length > 0 && values.every((value) => typeof value === "string");
}
