/** Request schemas of the concurrency-limit and lease routes. */
import { z } from "zod";
import type { AcquireSlotsInput, CreateConcurrencyLimitInput } from "../../core/api-types.js";
import { nameSchema } from "./common-schemas.js";

/** Body of `POST /api/concurrency-limits`. */
export const createConcurrencyLimitSchema = z.object({
  tag: nameSchema,
  limit: z.int().min(0).max(1_000_000),
}) satisfies z.ZodType<CreateConcurrencyLimitInput>;

/** Body of `POST /api/concurrency-limits/acquire`. */
export const acquireSlotsSchema = z.object({
  tags: z.array(nameSchema).max(1000),
  holderId: nameSchema,
  leaseSeconds: z.number().positive().max(86_400 * 7).optional(),
}) satisfies z.ZodType<AcquireSlotsInput>;

/** Body of `POST /api/concurrency-leases/:id/renew`. */
export const renewLeaseSchema = z.object({ leaseSeconds: z.number().positive().max(86_400 * 7).optional() });
