/** Request and response schemas of the variable routes. */
import { z } from "zod";
import type { Variable } from "../../core/models.js";
import { MAX_NAME_LENGTH, VARIABLE_NAME_PATTERN } from "../../core/input-limits.js";
import { boundedText, nameSchema, pageSchema, timestampSchema } from "./common-schemas.js";

/** A variable name: letters, digits, `_`, `-` and `.`, at most MAX_NAME_LENGTH characters. */
export const variableNameSchema = boundedText(MAX_NAME_LENGTH).regex(new RegExp(VARIABLE_NAME_PATTERN), "may contain only letters, digits, '_', '-' and '.'");

/** Body of `PUT /api/variables/:name`. */
export const setVariableSchema = z.object({
  value: z.unknown().refine((value) => value !== undefined, "value is required"),
  tags: z.array(nameSchema).optional(),
  isSecret: z
    .boolean()
    .optional()
    .meta({ description: "Keep the value secret: encrypted at rest, shown as `****`, given in clear only to executing runs. Omitted: the variable keeps its kind (a new one is plain)." }),
});

/** A variable as the API returns it. */
export const variableSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    value: z.unknown().meta({ description: "Any JSON value (null included); always `\"****\"` for a secret variable." }),
    tags: z.array(z.string()),
    isSecret: z.boolean().meta({ description: "Whether the value is secret (never returned by the API; read inside runs with the SDK's `Variables.get`)." }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({
    id: "Variable",
    description: "A named JSON value shared across runs.",
    examples: [
      { id: "0b9c6c1e-6f4a-4f55-9d0a-0f8f3c6b1a20", name: "region", value: "eu-west-1", tags: [], isSecret: false, createdAt: "2026-01-05T08:00:00.000Z", updatedAt: "2026-01-05T08:00:00.000Z" },
      { id: "5d2f7e0a-3c1b-4a8e-b6a4-2e9d7c5f1b33", name: "warehouse-password", value: "****", tags: [], isSecret: true, createdAt: "2026-01-05T08:00:00.000Z", updatedAt: "2026-01-05T08:00:00.000Z" },
    ],
  }) satisfies z.ZodType<Variable>;

/** A page of variables. */
export const variablePageSchema = pageSchema(variableSchema, "VariablePage");

/** Answer of `GET /api/variables/:name/value` (run processes only). */
export const variableValueSchema = z
  .object({ value: z.unknown().meta({ description: "The value in clear." }) })
  .meta({ id: "VariableValue", description: "A variable's value in clear, as given to an executing run." });
