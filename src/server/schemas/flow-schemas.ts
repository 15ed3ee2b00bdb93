/** Request and response schemas of the flow routes. */
import { z } from "zod";
import type { UpsertFlowInput } from "../../core/api-types.js";
import type { Flow } from "../../core/models.js";
import { jsonObjectSchema, nameSchema, pageSchema, timestampSchema } from "./common-schemas.js";

/** Body of `POST /api/flows`. */
export const upsertFlowSchema = z.object({
  name: nameSchema,
  description: z.string().nullable().optional(),
  version: z.string().nullable().optional(),
  parameterSchema: jsonObjectSchema.nullable().optional(),
  tags: z.array(nameSchema).optional(),
}) satisfies z.ZodType<UpsertFlowInput>;

/** A flow as the API returns it. */
export const flowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    version: z.string().nullable(),
    parameterSchema: jsonObjectSchema.nullable().meta({ description: "JSON Schema of the flow's parameters, for run forms." }),
    tags: z.array(z.string()),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Flow", description: "A flow known to the system; names are unique." }) satisfies z.ZodType<Flow>;

/** A page of flows. */
export const flowPageSchema = pageSchema(flowSchema, "FlowPage");
