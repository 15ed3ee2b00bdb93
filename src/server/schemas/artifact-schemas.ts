/** Request schemas of the artifact routes. */
import { z } from "zod";
import type { CreateArtifactInput } from "../../core/api-types.js";
import type { ArtifactType } from "../../core/models.js";
import { nameSchema, pageQuerySchema } from "./common-schemas.js";

/** An artifact type. */
export const artifactTypeSchema = z.enum(["markdown", "table", "link", "progress", "image"]) satisfies z.ZodType<ArtifactType>;

/** Body of `POST /api/artifacts`. */
export const createArtifactSchema = z.object({
  key: nameSchema.nullable().optional(),
  type: artifactTypeSchema,
  description: z.string().nullable().optional(),
  data: z.unknown(),
  flowRunId: nameSchema.nullable().optional(),
  taskRunId: nameSchema.nullable().optional(),
}) satisfies z.ZodType<CreateArtifactInput>;

/** Body of `PATCH /api/artifacts/:id`. */
export const updateArtifactSchema = z.object({ data: z.unknown().optional(), description: z.string().nullable().optional() });

/** Query of `GET /api/artifacts`. */
export const listArtifactsQuerySchema = z
  .object({
    flowRunId: nameSchema.optional(),
    taskRunId: nameSchema.optional(),
    key: nameSchema.optional(),
    type: artifactTypeSchema.optional(),
  })
  .extend(pageQuerySchema.shape);
