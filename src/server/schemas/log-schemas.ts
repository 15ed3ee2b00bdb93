/** Request and response schemas of the log routes. */
import { z } from "zod";
import type { LogInput } from "../../core/api-types.js";
import type { LogLevel, LogRecord } from "../../core/models.js";
import { MAX_NAME_LENGTH, NON_BLANK_PATTERN } from "../../core/input-limits.js";
import { itemsSchema, nameSchema, queryInt, timestampSchema } from "./common-schemas.js";

/** A log level. */
export const logLevelSchema = z.enum(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]).meta({ id: "LogLevel" }) satisfies z.ZodType<LogLevel>;

/**
 * One log line to append, as the batch checks it. Its names and ids are checked line by line by
 * the service layer (src/orchestration/log-service.ts), which drops a line whose `name` or ids
 * are blank or too long (a WARNING line takes its place) rather than refuse its neighbours.
 */
export const logInputSchema = z.object({
  flowRunId: z.string().nullable().optional(),
  taskRunId: z.string().nullable().optional(),
  workerId: z.string().nullable().optional(),
  level: logLevelSchema,
  name: z.string(),
  message: z.string().meta({ description: "Cut (with a marker) past 100,000 characters." }),
  timestamp: timestampSchema,
}) satisfies z.ZodType<LogInput>;

const storableName = { type: "string", minLength: 1, maxLength: MAX_NAME_LENGTH, pattern: NON_BLANK_PATTERN };
const storableId = { anyOf: [storableName, { type: "null" }] };

/**
 * The lines the service layer stores: names and ids non-blank, at most MAX_NAME_LENGTH
 * characters. A batch needs one; the others that are not are dropped, each with a WARNING line.
 */
const STORABLE_LINE = { properties: { name: storableName, flowRunId: storableId, taskRunId: storableId, workerId: storableId } };

/** Body of `POST /api/logs`. */
export const appendLogsSchema = z.object({
  logs: z.array(logInputSchema).max(100_000).meta({
    anyOf: [{ maxItems: 0 }, { contains: STORABLE_LINE }],
    description: `A line whose name or ids are blank or over ${MAX_NAME_LENGTH} characters is dropped, a WARNING line in its place; a batch with no storable line is refused.`,
  }),
});

/** Query of `GET /api/logs`. */
export const readLogsQuerySchema = z.object({
  flowRunId: nameSchema.optional(),
  taskRunId: nameSchema.optional(),
  workerId: nameSchema.optional(),
  minLevel: logLevelSchema.optional(),
  afterId: queryInt(0, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, 10_000).optional(),
});

/** A log line as the API returns it. */
export const logRecordSchema = z
  .object({
    id: z.int().min(0).meta({ description: "Increases monotonically; the read cursor (`afterId`)." }),
    flowRunId: z.string().nullable(),
    taskRunId: z.string().nullable(),
    workerId: z.string().nullable(),
    level: logLevelSchema,
    name: z.string(),
    message: z.string(),
    timestamp: timestampSchema,
  })
  .meta({ id: "LogRecord", description: "One log line." }) satisfies z.ZodType<LogRecord>;

/** Log lines read after a cursor, oldest first. */
export const logRecordListSchema = itemsSchema(logRecordSchema, "LogRecordList");
