/**
 * Variables: named JSON values shared across runs (set is an upsert by name). A secret
 * variable's value is encrypted at rest (secret-cipher.ts) and never read back through
 * `getVariable`/`listVariables` (they show `****`); `readSecretVariable` gives it in clear, and
 * only to a run that is executing (its flow run or task run is Pending, Running or Cancelling).
 */
import type { Page, PageRequest, SetVariableOptions } from "../core/api-types.js";
import { VARIABLE_NAME_PATTERN } from "../core/input-limits.js";
import type { Variable } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import type { Selectable } from "kysely";
import type { VariableTable } from "../db/schema.js";
import { checkJsonDepth, checkName, checkStringList, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { compilePageRequest, toPage } from "./page-cursor.js";
import { decryptSecret, encryptSecret } from "./secret-cipher.js";
import { createSecretKeySource, type SecretKeySource } from "./secret-key-source.js";

/** What a secret variable's value reads as everywhere but inside a run. */
export const SECRET_MASK = "****";

/** Run states whose process is executing: the only ones a secret is given to. */
const EXECUTING_STATE_TYPES: readonly string[] = ["PENDING", "RUNNING", "CANCELLING"];

const VARIABLE_NAME = new RegExp(VARIABLE_NAME_PATTERN);

function checkVariableName(name: unknown): string {
  const checked = checkName(name, "name");
  if (!VARIABLE_NAME.test(checked)) invalid("name", "may contain only letters, digits, '_', '-' and '.'");
  return checked;
}

function variableFromRow(row: Selectable<VariableTable>): Variable {
  const isSecret = Number(row.is_secret) === 1;
  return {
    id: row.id,
    name: row.name,
    value: isSecret ? SECRET_MASK : fromJsonColumn(row.value),
    tags: fromJsonColumn(row.tags),
    isSecret,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The variables area of the service layer. */
export function createVariableService(ctx: OrchestrationContext) {
  const { db } = ctx.database;
  // A SQLite database is a local file: a key file beside it may stand in for WEIR_SECRET_KEY.
  const secretKey: SecretKeySource = ctx.secretKey ?? createSecretKeySource({ allowsKeyFile: ctx.database.dialect === "sqlite" });

  async function isExecutingRun(runId: string): Promise<boolean> {
    const flowRun = await db.selectFrom("flow_runs").select("state_type").where("id", "=", runId).executeTakeFirst();
    if (flowRun) return EXECUTING_STATE_TYPES.includes(flowRun.state_type);
    const taskRun = await db.selectFrom("task_runs").select("state_type").where("id", "=", runId).executeTakeFirst();
    return taskRun !== undefined && EXECUTING_STATE_TYPES.includes(taskRun.state_type);
  }

  return {
    async setVariable(name: string, value: unknown, tags?: string[], options: SetVariableOptions = {}): Promise<Variable> {
      const checked = checkVariableName(name);
      if (value === undefined) invalid("value", "is required (use null for an empty value)");
      checkJsonDepth(value, "value");
      if (options.isSecret !== undefined && typeof options.isSecret !== "boolean") invalid("isSecret", "must be true or false");
      // Without `isSecret`, a variable keeps its kind: a secret is never turned plain by accident.
      const isSecret =
        options.isSecret ??
        Number((await db.selectFrom("variables").select("is_secret").where("name", "=", checked).executeTakeFirst())?.is_secret ?? 0) === 1;
      const now = ctx.clock.now().toISOString();
      const stored = isSecret
        ? { value: toJsonColumn(null), is_secret: 1, secret_value: encryptSecret(secretKey(true), JSON.stringify(value), checked) }
        : { value: toJsonColumn(value), is_secret: 0, secret_value: null };
      const values = { ...stored, tags: toJsonColumn(checkStringList(tags, "tags")), updated_at: now };
      await db
        .insertInto("variables")
        .values({ id: crypto.randomUUID(), name: checked, created_at: now, ...values })
        .onConflict((oc) => oc.column("name").doUpdateSet(values))
        .execute();
      return variableFromRow(await db.selectFrom("variables").selectAll().where("name", "=", checked).executeTakeFirstOrThrow());
    },

    async getVariable(name: string): Promise<Variable | null> {
      const row = await db.selectFrom("variables").selectAll().where("name", "=", checkVariableName(name)).executeTakeFirst();
      return row ? variableFromRow(row) : null;
    },

    /**
     * A variable's value in clear, for the run `runId` while it executes (the SDK's
     * `Variables.get` inside a run; see file header). A plain variable's value comes as is.
     */
    async readSecretVariable(name: string, runId: string): Promise<unknown> {
      const checked = checkVariableName(name);
      const row = await db.selectFrom("variables").selectAll().where("name", "=", checked).executeTakeFirst();
      if (!row) throw WeirError.notFound("variable", checked);
      if (Number(row.is_secret) !== 1) return fromJsonColumn(row.value);
      if (typeof runId !== "string" || runId === "" || !(await isExecutingRun(runId))) {
        throw new WeirError("FORBIDDEN", `secret variable '${checked}' is given only to a run that is executing, and '${String(runId).slice(0, 100)}' is none`);
      }
      return JSON.parse(decryptSecret(secretKey(false), row.secret_value ?? "", checked)) as unknown;
    },

    async listVariables(page?: PageRequest): Promise<Page<Variable>> {
      const { limit, after } = compilePageRequest(page, "NAME_ASC");
      let query = db.selectFrom("variables").selectAll().orderBy("name", "asc").limit(limit + 1);
      if (after) query = query.where("name", ">", String(after.key));
      return toPage(await query.execute(), limit, variableFromRow, (row) => ({ key: row.name, id: row.id, sort: "NAME_ASC" }));
    },

    async deleteVariable(name: string): Promise<void> {
      const result = await db.deleteFrom("variables").where("name", "=", checkVariableName(name)).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw WeirError.notFound("variable", name);
    },
  };
}
