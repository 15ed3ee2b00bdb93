/**
 * The input a paused or suspended flow run waits for. `pauseFlowRun({ input })` takes a zod
 * schema or any Standard Schema validator (the resumed value is checked by it and typed from it),
 * or a plain JSON Schema object. Either way its JSON Schema is stored in the Paused/Suspended
 * state's `details.inputSchema`, so the server checks a resume's input against it (422 naming the
 * field) and the CLI and dashboard read their fields from it, in processes that never load the flow.
 */
import { WeirError } from "../core/weir-error.js";
import type { StandardSchemaV1 } from "./standard-schema.js";
import { parameterJsonSchema } from "./validate-parameters.js";

/** What `pauseFlowRun`/`suspendFlowRun` accept as `input`: a Standard Schema (zod 4, valibot, …) or a JSON Schema object. */
export type PauseInput = StandardSchemaV1 | Readonly<Record<string, unknown>>;

/** The value a pause resolves with: the schema's output type, or an object for a JSON Schema (or no input). */
export type PauseInputValue<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : Record<string, unknown>;

/** A pause's input, compiled: the JSON Schema to store and the check of a resumed value. */
export interface CompiledPauseInput {
  /** Stored in the state's `details.inputSchema`; null when there is none (any object resumes it). */
  readonly jsonSchema: Record<string, unknown> | null;
  /** Check a resumed value (the server has checked it against `jsonSchema` already). */
  validate(value: unknown, owner: string): Promise<unknown>;
}

// Keywords that say a plain object is a JSON Schema rather than a map of field → schema.
const SCHEMA_KEYWORDS = ["type", "properties", "$ref", "anyOf", "oneOf", "allOf", "enum", "const", "$schema"];

function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return typeof value === "object" && value !== null && "~standard" in value;
}

/** Compile the `input` option of a pause (`what` names the option in errors). */
export function compilePauseInput(input: PauseInput | undefined, what: string): CompiledPauseInput {
  if (input === undefined) return { jsonSchema: null, validate: async (value) => value ?? {} };
  if (isStandardSchema(input)) {
    const jsonSchema = parameterJsonSchema(input);
    return {
      jsonSchema,
      async validate(value, owner) {
        const result = await input["~standard"].validate(value ?? {});
        if (result.issues === undefined) return result.value;
        throw WeirError.validation(`resume input of ${owner}`, result.issues.map((issue) => ({
          path: ["input", ...(issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment))].join("."),
          message: issue.message,
        })));
      },
    };
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw WeirError.validation(what, [{ path: "input", message: "must be a zod (or other Standard Schema) schema, or a JSON Schema object" }]);
  }
  // A map of field → JSON Schema (the form older examples used) is read as an object's properties.
  const isSchema = SCHEMA_KEYWORDS.some((keyword) => Object.hasOwn(input, keyword));
  const jsonSchema = isSchema ? { ...input } : { type: "object", properties: { ...input } };
  return { jsonSchema, validate: async (value) => value ?? {} };
}
