/** Request and response schemas of the deployment version routes. */
import { z } from "zod";
import { DEPLOYMENT_SPEC_FIELDS, type DeploymentVersion } from "../../core/deployment-versions.js";
import { jsonObjectSchema, pageQuerySchema, pageSchema, timestampSchema } from "./common-schemas.js";

/** The `version` path parameter: a whole number ≥ 1. */
export const versionNumberParamSchema = z.string().regex(/^[1-9]\d{0,8}$/, "must be a whole number ≥ 1").meta({ description: "A version number, 1 for the first." });

/** Query of `GET /api/deployments/{id}/versions`. */
export const listDeploymentVersionsQuerySchema = z.object({}).extend(pageQuerySchema.shape);

/** One version of a deployment as the API returns it. */
export const deploymentVersionSchema = z
  .object({
    id: z.string(),
    deploymentId: z.string(),
    version: z.int().min(1),
    author: z.string().meta({ description: "Who applied it: the `X-Weir-Actor` header of the request (`WEIR_ACTOR` or the OS user for the CLI and SDK, `dashboard` for the UI), or `unknown`." }),
    createdAt: timestampSchema,
    spec: jsonObjectSchema.meta({ description: `The deployment's spec as this version made it: ${DEPLOYMENT_SPEC_FIELDS.join(", ")}.` }),
    entrypointHash: z.string().nullable().meta({ description: "sha256 of the entrypoint file as the applying client read it; null when it sent none." }),
    changedFields: z.array(z.string()).meta({ description: "Spec fields that differ from the previous version (`entrypointHash` when only the file changed); every field for version 1." }),
    rolledBackFrom: z.int().min(1).nullable().meta({ description: "The version a rollback restored; null for an ordinary apply." }),
  })
  .meta({ id: "DeploymentVersion", description: "One recorded change of a deployment's spec." }) as unknown as z.ZodType<DeploymentVersion>;

/** A page of deployment versions, newest first. */
export const deploymentVersionPageSchema = pageSchema(deploymentVersionSchema, "DeploymentVersionPage");

/** Body of `POST /api/deployments/{id}/versions/{version}/rollback` (empty; the author comes from `X-Weir-Actor`). */
export const rollbackDeploymentSchema = z.object({}).meta({ description: "No fields: the author is the request's `X-Weir-Actor` header." });
