/** Request and response schemas of the concurrency-limit and lease routes. */
import { z } from "zod";
import type { AcquireSlotsInput, CreateConcurrencyLimitInput } from "../../core/api-types.js";
import type { ConcurrencyLease, ConcurrencyLimit } from "../../core/models.js";
import { MAX_CONCURRENCY_LIMIT, MAX_LEASE_SECONDS } from "../../core/input-limits.js";
import { itemsSchema, nameSchema, timestampSchema } from "./common-schemas.js";

/** Body of `POST /api/concurrency-limits`. */
export const createConcurrencyLimitSchema = z.object({
  tag: nameSchema,
  limit: z.int().min(0).max(MAX_CONCURRENCY_LIMIT),
}) satisfies z.ZodType<CreateConcurrencyLimitInput>;

/** Body of `POST /api/concurrency-limits/acquire`. */
export const acquireSlotsSchema = z.object({
  tags: z.array(nameSchema).max(1000),
  holderId: nameSchema,
  leaseSeconds: z.number().positive().max(MAX_LEASE_SECONDS).optional(),
}) satisfies z.ZodType<AcquireSlotsInput>;

/** Body of `POST /api/concurrency-leases/:id/renew`. */
export const renewLeaseSchema = z.object({ leaseSeconds: z.number().positive().max(MAX_LEASE_SECONDS).optional() });

/** A tag concurrency limit as the API returns it. */
export const concurrencyLimitSchema = z
  .object({
    id: z.string(),
    tag: z.string(),
    limit: z.int().min(0),
    activeSlots: z.int().min(0).meta({ description: "Slots taken now (leases not released or expired)." }),
    createdAt: timestampSchema,
  })
  .meta({ id: "ConcurrencyLimit", description: "At most `limit` task runs holding the tag at once." }) satisfies z.ZodType<ConcurrencyLimit>;

/** Every concurrency limit. */
export const concurrencyLimitListSchema = itemsSchema(concurrencyLimitSchema, "ConcurrencyLimitList");

/** A lease of one slot of each of some tags' limits. */
export const concurrencyLeaseSchema = z
  .object({
    id: z.string(),
    tags: z.array(z.string()).meta({ description: "The tags that have a limit (others need no slot)." }),
    holderId: z.string(),
    expiresAt: timestampSchema,
  })
  .meta({ id: "ConcurrencyLease", description: "A lease of one slot of each tag's limit, until it expires or is released." }) satisfies z.ZodType<ConcurrencyLease>;
