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
  return new Option("-p, --param <key=value>", "a flow parameter (repeatable; values parse as JSON when they can)").argParser(collectValues);
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
 * Flow parameters from the command line: `--params '{"a":1}'` first, then each `--param k=v`
 * over it. A value is parsed as JSON when it parses (`n=3`, `on=true`, `tags=["a"]`), else kept
 * as a string (`name=Navin`). Bad syntax throws a UsageError naming the option.
 * @example parseParameters(["name=Navin", "n=3"]) // { name: "Navin", n: 3 }
 */
export function parseParameters(pairs: readonly string[] = [], paramsJson?: string): Parameters {
  const parameters: Parameters = paramsJson === undefined ? {} : parseParamsObject(paramsJson);
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`invalid --param '${pair}': expected KEY=VALUE, e.g. --param name=Navin`);
    const key = pair.slice(0, equals).trim();
    if (!key) throw new UsageError(`invalid --param '${pair}': the key is empty`);
    parameters[key] = parseValue(pair.slice(equals + 1));
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
