/** Variables: named JSON values shared across runs (set is an upsert by name). */
import type { Page, PageRequest } from "../core/api-types.js";
import type { Variable } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import type { VariableTable } from "../db/schema.js";
import { checkJsonDepth, checkName, checkStringList, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { compilePageRequest, toPage } from "./page-cursor.js";

function checkVariableName(name: unknown): string {
  const checked = checkName(name, "name");
  if (!/^[A-Za-z0-9_.-]+$/.test(checked)) invalid("name", "may contain only letters, digits, '_', '-' and '.'");
  return checked;
}

function variableFromRow(row: VariableTable): Variable {
  return { id: row.id, name: row.name, value: fromJsonColumn(row.value), tags: fromJsonColumn(row.tags), createdAt: row.created_at, updatedAt: row.updated_at };
}

/** The variables area of the service layer. */
export function createVariableService(ctx: OrchestrationContext) {
  const { db } = ctx.database;
  return {
    async setVariable(name: string, value: unknown, tags?: string[]): Promise<Variable> {
      const checked = checkVariableName(name);
      if (value === undefined) invalid("value", "is required (use null for an empty value)");
      checkJsonDepth(value, "value");
      const now = ctx.clock.now().toISOString();
      const values = { value: toJsonColumn(value), tags: toJsonColumn(checkStringList(tags, "tags")), updated_at: now };
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
