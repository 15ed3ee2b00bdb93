/**
 * Building blocks of the request and response schemas: states, retry policies, schedules,
 * pages, the error body and the comma-separated lists of query strings. Each schema is checked
 * against its core type; those with a `meta({ id })` are named components of the OpenAPI
 * document (`#/components/schemas/<id>`).
 */
import { z } from "zod";
import type { PageRequest } from "../../core/api-types.js";
import { HTTP_STATUS_OF_ERROR_CODE } from "../../core/error-codes.js";
import type { RetryPolicy, ScheduleSpec } from "../../core/models.js";
import { STATE_NAMES, STATE_TYPES, STATE_TYPE_OF_NAME, type ResultRef, type State, type StateName, type StateType, type StoredError } from "../../core/states.js";

/** A non-empty string of bounded length (names, ids, keys). */
export const nameSchema = z.string().min(1).max(1000);

/** An ISO-8601 timestamp. */
export const timestampSchema = z.iso.datetime({ offset: true }).meta({ id: "Timestamp", description: "An ISO-8601 date and time with a time zone offset or Z." });

/** A JSON object. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/** A state type. */
export const stateTypeSchema = z.enum(STATE_TYPES as [StateType, ...StateType[]]);

/** A state name. */
export const stateNameSchema = z.enum(STATE_NAMES as [StateName, ...StateName[]]);

/** A stored failure (its cause nests). */
export const storedErrorSchema: z.ZodType<StoredError> = z
  .object({
    name: z.string(),
    message: z.string(),
    stack: z.string().optional(),
    get cause() {
      return storedErrorSchema.optional();
    },
    isRetryable: z.boolean().optional(),
  })
  .meta({ id: "StoredError", description: "A failure as stored: what user code threw; `cause` nests." });

/** Where a result lives. */
export const resultRefSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("inline"), value: z.unknown() }),
    z.object({ kind: z.literal("stored"), storageKey: z.string().max(200), serializer: z.string().min(1).max(200), store: z.string().max(2000).optional() }),
  ])
  .meta({ id: "ResultRef", description: "Where a run's return value lives: inline JSON, or a storage key in a result store (`store`: its URL) written by a serializer." }) satisfies z.ZodType<ResultRef>;

/** A state record. */
export const stateSchema = z
  .object({
    id: nameSchema,
    type: stateTypeSchema,
    name: stateNameSchema,
    timestamp: timestampSchema,
    message: z.string().nullable().optional(),
    scheduledTime: timestampSchema.nullable().optional(),
    result: resultRefSchema.nullable().optional(),
    error: storedErrorSchema.nullable().optional(),
    details: jsonObjectSchema.nullable().optional(),
  })
  .refine((state) => STATE_TYPE_OF_NAME[state.name] === state.type, {
    message: "type does not match the state name",
    path: ["type"],
  })
  .meta({ id: "State", description: "A state record: its `type` is the one its `name` belongs to." }) satisfies z.ZodType<State>;

/** A partial retry policy (requests; the server fills the defaults). */
export const retryPolicySchema = z.object({
  retries: z.int().min(0).max(1000).optional(),
  retryDelaySeconds: z.array(z.number().min(0)).max(1000).optional(),
}) satisfies z.ZodType<Partial<RetryPolicy>>;

/** A retry policy with its defaults filled, as records carry it. */
export const compiledRetryPolicySchema = z
  .object({ retries: z.int().min(0), retryDelaySeconds: z.array(z.number().min(0)) })
  .meta({ id: "RetryPolicy", description: "How a run retries: the delay list's last value repeats." }) satisfies z.ZodType<RetryPolicy>;

/** A cron, interval or RRULE schedule. */
export const scheduleSpecSchema = z
  .union([
    z.strictObject({ cron: z.string().min(1), timezone: z.string().optional(), dayOr: z.boolean().optional() }),
    z.strictObject({ interval: z.number().positive(), anchorDate: timestampSchema.optional(), timezone: z.string().optional() }),
    z.strictObject({ rrule: z.string().min(1), timezone: z.string().optional() }),
  ])
  .meta({ id: "ScheduleSpec", description: "A cron, interval (seconds) or RRULE schedule with an IANA time zone." }) satisfies z.ZodType<ScheduleSpec>;

/** A string list in a query string: `a,b,c`. */
export function csv<T extends z.ZodType<string, string>>(item: T) {
  return z
    .string()
    .transform((text) => text.split(",").filter((part) => part !== ""))
    .pipe(z.array(item));
}

/** A boolean in a query string: `true` or `false`. */
export const queryBooleanSchema = z.enum(["true", "false"]).transform((text) => text === "true");

/** An integer in a query string; documented as the integer it stands for, with its bounds. */
export function queryInt(min: number, max: number) {
  return z
    .string()
    .regex(/^-?\d+$/, "expected an integer")
    .transform(Number)
    .pipe(z.int().min(min).max(max))
    .meta({ type: "integer", minimum: min, maximum: max });
}

/** Paging in a query string. */
export const pageQuerySchema = z.object({
  cursor: z.string().max(2000).optional(),
  limit: queryInt(1, 1000).optional(),
});

/** A page of records as list routes answer it (`nextCursor` is null on the last page); `id` names the component. */
export function pageSchema<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({ items: z.array(item), nextCursor: z.string().nullable() })
    .meta({ id, description: "A page of records; pass `nextCursor` as `cursor` for the next one (null on the last page)." });
}

/** An unpaged list as list routes answer it; `id` names the component. */
export function itemsSchema<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item) }).meta({ id, description: "Every matching record, unpaged." });
}

/** The body of every error answer. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: `one of ${Object.keys(HTTP_STATUS_OF_ERROR_CODE).join(", ")}` }),
      message: z.string(),
      details: jsonObjectSchema.optional(),
    }),
  })
  .meta({ id: "Error", description: "An error: `code` maps to the HTTP status (src/core/error-codes.ts); VALIDATION has `details.issues`." });

/** The page request of parsed paging query values. */
export function pageOf(query: z.infer<typeof pageQuerySchema>): PageRequest {
  return { cursor: query.cursor, limit: query.limit };
}
