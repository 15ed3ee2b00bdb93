/**
 * Building blocks of the request and response schemas: states, retry policies, schedules,
 * pages, the error body and the comma-separated lists of query strings. Each schema is checked
 * against its core type; those with a `meta({ id })` are named components of the OpenAPI
 * document (`#/components/schemas/<id>`).
 *
 * A request schema states every limit the service layer applies (src/core/input-limits.ts holds
 * them for both), so the document never promises more than the server accepts. A check that
 * JSON Schema cannot spell (a cron expression parses, a time zone exists, a cursor is one this
 * API returned, an SMTP URL) is named by a `format` (`cron`, `rrule`, `time-zone`, `page-cursor`,
 * `smtp-url`) that the document's readers and scripts/faults/schemathesis-hooks.py know.
 */
import { z } from "zod";
import type { PageRequest } from "../../core/api-types.js";
import { HTTP_STATUS_OF_ERROR_CODE } from "../../core/error-codes.js";
import { MAX_INTERVAL_SECONDS, MAX_NAME_LENGTH, MAX_RESULT_KEY_LENGTH, MIN_INTERVAL_SECONDS, NON_BLANK_PATTERN, NON_BLANK_WITHOUT_SLASH_PATTERN, isWithinLength } from "../../core/input-limits.js";
import type { RetryPolicy, ScheduleSpec } from "../../core/models.js";
import { INITIAL_FLOW_RUN_STATE_TYPES, STATE_NAMES, STATE_TYPES, STATE_TYPE_OF_NAME, type ResultRef, type State, type StateName, type StateType, type StoredError } from "../../core/states.js";

/**
 * A string of at most `max` characters, counted as JSON Schema counts them (code points, so an
 * emoji is one character, not two UTF-16 units).
 */
export function boundedText(max: number) {
  return z.string().refine((text) => isWithinLength(text, max), `must be at most ${max} characters`).meta({ maxLength: max });
}

/** A non-blank string of at most MAX_NAME_LENGTH characters (names, ids, keys), as the service layer's `checkName` accepts it. */
export const nameSchema = boundedText(MAX_NAME_LENGTH)
  .regex(new RegExp(NON_BLANK_PATTERN, "u"), "must be a non-empty string")
  .meta({ minLength: 1 });

/** A name that may not contain `/` (flow and deployment names: `flow/deployment` names a deployment). */
export const slashlessNameSchema = boundedText(MAX_NAME_LENGTH)
  .regex(new RegExp(NON_BLANK_WITHOUT_SLASH_PATTERN, "u"), "must be a non-empty string without '/'")
  .meta({ minLength: 1 });

/** An ISO-8601 timestamp. */
export const timestampSchema = z.iso.datetime({ offset: true }).meta({ id: "Timestamp", description: "An ISO-8601 date and time with a time zone offset or Z." });

/** Most retries of a policy, and most delays it lists. */
export const MAX_RETRIES = 1000;
export const MAX_RETRY_DELAYS = 1000;
/** Longest serializer name, and longest store URL, of a stored result's reference. */
export const MAX_SERIALIZER_NAME_LENGTH = 200;
export const MAX_RESULT_STORE_URL_LENGTH = 2000;

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
    z.object({
      kind: z.literal("stored"),
      storageKey: z.string().max(MAX_RESULT_KEY_LENGTH),
      serializer: z.string().min(1).max(MAX_SERIALIZER_NAME_LENGTH),
      store: z.string().max(MAX_RESULT_STORE_URL_LENGTH).optional(),
    }),
  ])
  .meta({ id: "ResultRef", description: "Where a run's return value lives: inline JSON, or a storage key in a result store (`store`: its URL) written by a serializer." }) satisfies z.ZodType<ResultRef>;

/**
 * The JSON Schema of "`type` is the one `name` belongs to", for states of some types: one branch
 * per type, listing its names (from the same table the service layer checks against).
 */
function typeOfNameBranches(types: readonly StateType[]) {
  return types.map((type) => ({
    type: "object",
    properties: { type: { const: type }, name: { enum: STATE_NAMES.filter((name) => STATE_TYPE_OF_NAME[name] === type) } },
  }));
}

/** A state record of one of `types`, named `id` in the document. */
function stateSchemaOf(types: readonly StateType[], id: string, description: string) {
  return z
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
    .refine((state) => types.includes(state.type), {
      message: `must be a state of type ${types.join(", ")}`,
      path: ["type"],
    })
    .meta({ id, description, oneOf: typeOfNameBranches(types) });
}

/** A state record. */
export const stateSchema = stateSchemaOf(STATE_TYPES, "State", "A state record: its `type` is the one its `name` belongs to.") satisfies z.ZodType<State>;

/** The state a new flow run starts in. */
export const initialFlowRunStateSchema = stateSchemaOf(
  INITIAL_FLOW_RUN_STATE_TYPES,
  "InitialState",
  "The state a new flow run starts in: Scheduled, Pending or Running (or another name of those types); `type` is the one `name` belongs to.",
) satisfies z.ZodType<State>;


/** A partial retry policy (requests; the server fills the defaults). */
export const retryPolicySchema = z.object({
  retries: z.int().min(0).max(MAX_RETRIES).optional(),
  retryDelaySeconds: z.array(z.number().min(0)).max(MAX_RETRY_DELAYS).optional(),
}) satisfies z.ZodType<Partial<RetryPolicy>>;

/** A retry policy with its defaults filled, as records carry it. */
export const compiledRetryPolicySchema = z
  .object({ retries: z.int().min(0), retryDelaySeconds: z.array(z.number().min(0)) })
  .meta({ id: "RetryPolicy", description: "How a run retries: the delay list's last value repeats." }) satisfies z.ZodType<RetryPolicy>;

/** An IANA time zone name (`Europe/London`, `UTC`); checked by the schedule compiler, which canonicalizes its spelling. */
const timeZoneSchema = z.string().min(1).meta({ format: "time-zone", description: "An IANA time zone name, e.g. `Europe/London` or `UTC`." });

/** A cron expression: 5 fields, or 6 with seconds first; checked by the schedule compiler (each field in range, fires at least once). */
const cronSchema = z.string().min(1).meta({ format: "cron", description: "5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; it must fire at least once." });

/** An RFC 5545 recurrence rule; checked by the schedule compiler. */
const rruleSchema = z.string().min(1).meta({ format: "rrule", description: "An RFC 5545 recurrence rule (`RRULE:FREQ=…`, optionally after `DTSTART;TZID=…`)." });

/** A cron, interval or RRULE schedule. */
export const scheduleSpecSchema = z
  .union([
    z.strictObject({ cron: cronSchema, timezone: timeZoneSchema.optional(), dayOr: z.boolean().optional() }),
    z.strictObject({
      interval: z.number().min(MIN_INTERVAL_SECONDS).max(MAX_INTERVAL_SECONDS).meta({ description: "Seconds between runs, rounded to whole milliseconds." }),
      anchorDate: timestampSchema.optional(), timezone: timeZoneSchema.optional() }),
    z.strictObject({ rrule: rruleSchema, timezone: timeZoneSchema.optional() }),
  ])
  .meta({ id: "ScheduleSpec", description: "A cron, interval (seconds) or RRULE schedule with an IANA time zone." }) satisfies z.ZodType<ScheduleSpec>;

function splitList(text: string): string[] {
  return text.split(",").filter((part) => part !== "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A list of some values in a query string: `a,b,c` (empty items are skipped). Its pattern says
 * which values, so the document describes exactly what is accepted. With `isCheckedByService`,
 * the pattern is only documented: the service layer refuses the other values itself, in an
 * error that names its own field (the same answer in process and over HTTP).
 */
export function csvOf<T extends string>(values: readonly T[], options: { isCheckedByService?: boolean } = {}) {
  const value = `(?:${values.map(escapeRegExp).join("|")})`;
  const pattern = `^,*(?:${value}(?:,+${value})*)?,*$`;
  const text = options.isCheckedByService ? z.string().meta({ pattern }) : z.string().regex(new RegExp(pattern), `must be a comma-separated list of ${values.join(", ")}`);
  return text.transform((list) => splitList(list) as T[]);
}

/** A list of names in a query string: `a,b,c` (empty items are skipped), each at most MAX_NAME_LENGTH characters. */
export function csvNames() {
  const item = `[^,]{0,${MAX_NAME_LENGTH}}`;
  return z
    .string()
    .regex(new RegExp(`^${item}(?:,${item})*$`, "u"), `must be a comma-separated list of names of at most ${MAX_NAME_LENGTH} characters`)
    .transform(splitList);
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

/** A page cursor: the `nextCursor` of the previous page of the same listing and sort (empty: the first page). */
export const pageCursorSchema = z.string().max(2000).meta({
  format: "page-cursor",
  description: "The `nextCursor` of the previous page of the same listing and sort, or empty for the first page; any other value is refused (422).",
});

/** Paging in a query string. */
export const pageQuerySchema = z.object({
  cursor: pageCursorSchema.optional(),
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
