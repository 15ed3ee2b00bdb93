/** Request and response schemas of the artifact routes. */
import { z } from "zod";
import type { CreateArtifactInput } from "../../core/api-types.js";
import type { Artifact, ArtifactType } from "../../core/models.js";
import { nameSchema, pageQuerySchema, pageSchema, timestampSchema } from "./common-schemas.js";

/** An artifact type. */
export const artifactTypeSchema = z.enum(["markdown", "table", "link", "progress", "image"]).meta({ id: "ArtifactType" }) satisfies z.ZodType<ArtifactType>;

const artifactFields = {
  key: nameSchema.nullable().optional(),
  description: z.string().nullable().optional(),
  flowRunId: nameSchema.nullable().optional(),
  taskRunId: nameSchema.nullable().optional(),
};

/** Body of `POST /api/artifacts`: what `data` holds depends on `type` (as the service layer checks it). */
export const createArtifactSchema = z.discriminatedUnion("type", [
  z.object({ ...artifactFields, type: z.literal("markdown"), data: z.string() }),
  z.object({ ...artifactFields, type: z.literal("progress"), data: z.number().min(0).max(100) }),
  z.object({ ...artifactFields, type: z.enum(["table", "link", "image"]), data: z.unknown() }),
]) satisfies z.ZodType<CreateArtifactInput>;

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

/** An artifact as the API returns it. */
export const artifactSchema = z
  .object({
    id: z.string(),
    key: z.string().nullable().meta({ description: "Artifacts with the same key form a history." }),
    type: artifactTypeSchema,
    description: z.string().nullable(),
    data: z.unknown().meta({
      description: "markdown: string; table: row objects or {columns, rows}; link: {url, text}; progress: number 0..100; image: {url}.",
    }),
    flowRunId: z.string().nullable(),
    taskRunId: z.string().nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Artifact", description: "A record attached to a run for people to read." }) satisfies z.ZodType<Artifact>;

/** A page of artifacts. */
export const artifactPageSchema = pageSchema(artifactSchema, "ArtifactPage");
