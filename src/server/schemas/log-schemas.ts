/** Request and response schemas of the log routes. */
import { z } from "zod";
import type { LogInput } from "../../core/api-types.js";
import type { LogLevel, LogRecord } from "../../core/models.js";
import { itemsSchema, nameSchema, queryInt, timestampSchema } from "./common-schemas.js";

/** A log level. */
export const logLevelSchema = z.enum(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]).meta({ id: "LogLevel" }) satisfies z.ZodType<LogLevel>;

/** One log line to append. */
export const logInputSchema = z.object({
  flowRunId: nameSchema.nullable().optional(),
  taskRunId: nameSchema.nullable().optional(),
  workerId: nameSchema.nullable().optional(),
  level: logLevelSchema,
  name: z.string().max(1000),
  message: z.string(),
  timestamp: timestampSchema,
}) satisfies z.ZodType<LogInput>;

/** Body of `POST /api/logs`. */
export const appendLogsSchema = z.object({ logs: z.array(logInputSchema).max(100_000) });

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
