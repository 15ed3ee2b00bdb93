/** Logs: appended in batches (one multi-row insert per chunk), read in id order by an `afterId` cursor. */
import type { LogFilter, LogInput } from "../core/api-types.js";
import { LOG_LEVEL_RANK, type LogLevel, type LogRecord } from "../core/models.js";
import type { Selectable } from "kysely";
import type { LogTable } from "../db/schema.js";

import { checkInteger, checkName, checkTime, invalid } from "./input-checks.js";
import { insertLogsLocked } from "./log-insert-statement.js";
import type { OrchestrationContext } from "./orchestration-context.js";

type LogRow = Selectable<LogTable>;
type LogInsert = Omit<LogRow, "id">;

const LOG_CHUNK = 500;
/** Longest stored message; longer ones are cut (with a marker) rather than refused. */
export const MAX_LOG_MESSAGE_LENGTH = 100_000;

function checkLevel(value: unknown, field: string): LogLevel {
  if (typeof value !== "string" || !Object.hasOwn(LOG_LEVEL_RANK, value)) invalid(field, `must be one of ${Object.keys(LOG_LEVEL_RANK).join(", ")}`);
  return value as LogLevel;
}

function logFromRow(row: LogRow): LogRecord {
  return {
    id: Number(row.id),
    flowRunId: row.flow_run_id,
    taskRunId: row.task_run_id,
    workerId: row.worker_id,
    level: row.level as LogLevel,
    name: row.name,
    message: row.message,
    timestamp: row.timestamp,
  };
}

/** One line as a row; VALIDATION when the line is malformed. */
function logRow(log: LogInput, index: number): LogInsert {
  if (typeof log !== "object" || log === null) invalid(`logs.${index}`, "must be an object");
  const level = checkLevel(log.level, `logs.${index}.level`);
  if (typeof log.message !== "string") invalid(`logs.${index}.message`, "must be a string");
  const message = log.message.length > MAX_LOG_MESSAGE_LENGTH ? `${log.message.slice(0, MAX_LOG_MESSAGE_LENGTH)}… [truncated]` : log.message;
  return {
    flow_run_id: optionalId(log.flowRunId, `logs.${index}.flowRunId`),
    task_run_id: optionalId(log.taskRunId, `logs.${index}.taskRunId`),
    worker_id: optionalId(log.workerId, `logs.${index}.workerId`),
    level,
    level_rank: LOG_LEVEL_RANK[level],
    name: checkName(log.name, `logs.${index}.name`),
    message,
    timestamp: checkTime(log.timestamp, `logs.${index}.timestamp`),
  };
}

function optionalId(value: unknown, field: string): string | null {
  return value === undefined || value === null ? null : checkName(value, field);
}

/**
 * The rows of a batch. A malformed line costs only itself: it is dropped, and a WARNING line in
 * its place (with its run, when that much of it is readable) says which and why. A batch with no
 * line left is refused (VALIDATION), so a client sending only bad lines still hears of it.
 */
function logRows(logs: readonly LogInput[], now: string): LogInsert[] {
  const rows: LogInsert[] = [];
  let firstError: unknown = null;
  let dropped = 0;
  for (let index = 0; index < logs.length; index += 1) {
    try {
      rows.push(logRow(logs[index]!, index));
    } catch (error) {
      firstError ??= error;
      dropped += 1;
      rows.push(droppedLineRow(logs[index], index, logs.length, error, now));
    }
  }
  if (dropped === logs.length) throw firstError;
  return rows;
}

/** The `name` of the WARNING lines that stand for dropped lines. */
export const DROPPED_LOG_NAME = "weir.logs";

function droppedLineRow(log: unknown, index: number, count: number, error: unknown, now: string): LogInsert {
  const line = (typeof log === "object" && log !== null ? log : {}) as Partial<Record<keyof LogInput, unknown>>;
  const idOrNull = (value: unknown) => (typeof value === "string" && value.trim() !== "" && value.length <= 500 ? value : null);
  const reason = error instanceof Error ? error.message : String(error);
  return {
    flow_run_id: idOrNull(line.flowRunId),
    task_run_id: idOrNull(line.taskRunId),
    worker_id: idOrNull(line.workerId),
    level: "WARNING",
    level_rank: LOG_LEVEL_RANK.WARNING,
    name: DROPPED_LOG_NAME,
    message: `log line ${index + 1} of ${count} in its batch was dropped (${reason.slice(0, 1000)})`,
    timestamp: now,
  };
}

/** The logs area of the service layer. */
export function createLogService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { db } = database;

  /**
   * Ids must become visible in increasing order, or a reader following by `afterId` could skip a
   * batch that commits late: SQLite's write lock gives that; on PostgreSQL each insert takes the
   * logs lock itself (log-insert-statement.ts), so a batch of one chunk is one statement.
   */
  async function insertLogRows(rows: LogInsert[]): Promise<LogRow[]> {
    const isLocked = database.capabilities.supportsAdvisoryLocks;
    if (isLocked && rows.length <= LOG_CHUNK) return insertLogsLocked(db, rows);
    return database.writeTransaction(async (trx) => {
      const out: LogRow[] = [];
      for (let start = 0; start < rows.length; start += LOG_CHUNK) {
        const chunk = rows.slice(start, start + LOG_CHUNK);
        out.push(...(isLocked ? await insertLogsLocked(trx, chunk) : await trx.insertInto("logs").values(chunk).returningAll().execute()));
      }
      return out;
    });
  }

  return {
    async appendLogs(logs: LogInput[]): Promise<void> {
      if (!Array.isArray(logs)) invalid("logs", "must be a list");
      if (logs.length === 0) return;
      const rows = logRows(logs, ctx.clock.now().toISOString());
      const inserted = await insertLogRows(rows);
      if (!ctx.events.hasListeners("logs")) return;
      // One event per flow run so subscribers filtered by run get exactly theirs.
      const byRun = new Map<string | null, LogRecord[]>();
      for (const row of inserted) {
        const record = logFromRow(row);
        const list = byRun.get(record.flowRunId) ?? [];
        list.push(record);
        byRun.set(record.flowRunId, list);
      }
      for (const list of byRun.values()) ctx.events.publish({ kind: "logs", logs: list });
    },

    async readLogs(filter: LogFilter): Promise<LogRecord[]> {
      if (typeof filter !== "object" || filter === null) invalid("filter", "must be an object");
      const limit = filter.limit === undefined ? 1000 : checkInteger(filter.limit, "limit", 1);
      if (limit > 10_000) invalid("limit", "must be at most 10000");
      let query = db.selectFrom("logs").selectAll().orderBy("id", "asc").limit(limit);
      if (filter.flowRunId !== undefined) query = query.where("flow_run_id", "=", checkName(filter.flowRunId, "flowRunId"));
      if (filter.taskRunId !== undefined) query = query.where("task_run_id", "=", checkName(filter.taskRunId, "taskRunId"));
      if (filter.workerId !== undefined) query = query.where("worker_id", "=", checkName(filter.workerId, "workerId"));
      if (filter.minLevel !== undefined) query = query.where("level_rank", ">=", LOG_LEVEL_RANK[checkLevel(filter.minLevel, "minLevel")]);
      if (filter.afterId !== undefined) query = query.where("id", ">", checkInteger(filter.afterId, "afterId", 0));
      return (await query.execute()).map(logFromRow);
    },
  };
}
