import { createRequire } from "node:module";
import type { z } from "zod";
import type { FieldIssue } from "../core/weir-error.js";
import { WeirError } from "../core/weir-error.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** Validate flow parameters against a Standard Schema; throws a VALIDATION WeirError naming each bad field. */
export async function validateParameters(
  flowName: string,
  schema: StandardSchemaV1 | undefined,
  parameters: unknown,
): Promise<Record<string, unknown>> {
  const input = parameters ?? {};
  if (schema === undefined) {
    if (typeof input !== "object" || Array.isArray(input)) {
      throw WeirError.validation(`parameters of flow '${flowName}'`, [
        { path: "parameters", message: "a flow takes one parameters object" },
      ]);
    }
    return input as Record<string, unknown>;
  }
  const result = await schema["~standard"].validate(input);
  if (result.issues !== undefined) {
    const issues: FieldIssue[] = result.issues.map((issue) => ({
      path: ["parameters", ...(issue.path ?? []).map(segmentKey)].join("."),
      message: issue.message,
    }));
    throw WeirError.validation(`parameters of flow '${flowName}'`, issues);
  }
  return (result.value ?? {}) as Record<string, unknown>;
}

function segmentKey(segment: PropertyKey | StandardSchemaV1.PathSegment): string {
  return String(typeof segment === "object" ? segment.key : segment);
}

/** The JSON Schema of a parameters schema (zod 4 or one exposing `toJSONSchema()`), or null when unknown. */
export function parameterJsonSchema(schema: StandardSchemaV1 | undefined): Record<string, unknown> | null {
  if (schema === undefined) return null;
  try {
    if ("_zod" in schema) return loadZod().toJSONSchema(schema as unknown as z.ZodType, { io: "input", unrepresentable: "any" });
    const own = (schema as { toJSONSchema?: () => unknown }).toJSONSchema;
    if (typeof own === "function") return own.call(schema) as Record<string, unknown>;
  } catch {
    // A schema that cannot be expressed in JSON Schema still validates; the run form just lacks it.
  }
  return null;
}

// Loaded only for a zod schema (whose user already loaded zod): a run child without one skips it.
let zod: typeof z | undefined;
function loadZod(): typeof z {
  zod ??= (createRequire(import.meta.url)("zod") as { z: typeof z }).z;
  return zod;
}
