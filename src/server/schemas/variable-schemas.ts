/** Request and response schemas of the variable routes. */
import { z } from "zod";
import type { Variable } from "../../core/models.js";
import { nameSchema, pageSchema, timestampSchema } from "./common-schemas.js";

/** Body of `PUT /api/variables/:name`. */
export const setVariableSchema = z.object({
  value: z.unknown().refine((value) => value !== undefined, "value is required"),
  tags: z.array(nameSchema).optional(),
});

/** A variable as the API returns it. */
export const variableSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    value: z.unknown().meta({ description: "Any JSON value (null included)." }),
    tags: z.array(z.string()),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Variable", description: "A named JSON value shared across runs." }) satisfies z.ZodType<Variable>;

/** A page of variables. */
export const variablePageSchema = pageSchema(variableSchema, "VariablePage");
