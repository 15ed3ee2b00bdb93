/** Request schemas of the flow routes. */
import { z } from "zod";
import type { UpsertFlowInput } from "../../core/api-types.js";
import { jsonObjectSchema, nameSchema } from "./common-schemas.js";

/** Body of `POST /api/flows`. */
export const upsertFlowSchema = z.object({
  name: nameSchema,
  description: z.string().nullable().optional(),
  version: z.string().nullable().optional(),
  parameterSchema: jsonObjectSchema.nullable().optional(),
  tags: z.array(nameSchema).optional(),
}) satisfies z.ZodType<UpsertFlowInput>;
