/**
 * Automations (issue 14): create, replace, enable/disable, delete, list, and their firing history.
 * An automation comes as the form users write (src/core/automations/automation-spec.ts) and is
 * stored in canonical form. Creating, enabling or changing the trigger of one starts its trigger
 * afresh: it sees only events stored from then on, and a proactive one waits from then. The
 * automations service (src/services/automations-service.ts) evaluates the enabled ones.
 */
import type { Kysely } from "kysely";
import type { Automation, AutomationFiring } from "../core/automations/automation-models.js";
import { parseAutomationSpec, type AutomationSpec } from "../core/automations/automation-spec.js";
import { initialTriggerState } from "../core/automations/trigger-evaluation.js";
import { WeirError } from "../core/weir-error.js";
import type { AutomationTable, DatabaseSchema } from "../db/schema.js";
import { latestEventCursor } from "./automations/automation-events.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import { automationFromRow, firingFromRow, keepStoredSecrets, sealActions, unsealActions, type StoredAction } from "./automations/automation-mapper.js";
import { notificationSecretKey } from "./notifications/notification-outbox.js";
import { checkName, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";

/** Most automations listed, firings listed per page. */
const MAX_AUTOMATIONS_LISTED = 1000;
const MAX_FIRINGS_LISTED = 500;

async function findRow(db: Kysely<DatabaseSchema>, idOrName: string): Promise<AutomationTable | undefined> {
  return (
    (await db.selectFrom("automations").selectAll().where("id", "=", idOrName).executeTakeFirst()) ??
    (await db.selectFrom("automations").selectAll().where("name", "=", idOrName).executeTakeFirst())
  );
}

async function requireRow(db: Kysely<DatabaseSchema>, idOrName: string): Promise<AutomationTable> {
  const row = await findRow(db, checkName(idOrName, "automation"));
  if (!row) throw WeirError.notFound("automation", idOrName);
  return row;
}

/** The automations area of the service layer. */
export function createAutomationService(ctx: OrchestrationContext) {
  const { db } = ctx.database;
  const secretKey = notificationSecretKey(ctx);

  /** Columns that restart a trigger (see file header), from a cursor read before the transaction. */
  function freshTrigger(cursor: string): Pick<AutomationTable, "trigger_state" | "event_cursor"> {
    return { trigger_state: toJsonColumn(initialTriggerState(ctx.clock.now())), event_cursor: cursor };
  }

  async function insert(trx: Kysely<DatabaseSchema>, spec: AutomationSpec, deploymentId: string | null, cursor: string): Promise<Automation> {
    if (await trx.selectFrom("automations").select("id").where("name", "=", spec.name).executeTakeFirst()) {
      throw new WeirError("CONFLICT", `an automation named '${spec.name}' exists already (replace it with updateAutomation, \`weir automation create --replace\`)`);
    }
    const now = ctx.clock.now().toISOString();
    const id = crypto.randomUUID();
    const row: AutomationTable = {
      id,
      name: spec.name,
      description: spec.description,
      is_enabled: spec.enabled ? 1 : 0,
      trigger_spec: toJsonColumn(spec.trigger),
      actions: toJsonColumn(sealActions(spec.actions, id, secretKey)),
      deployment_id: deploymentId,
      ...freshTrigger(cursor),
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto("automations").values(row).execute();
    return automationFromRow(row);
  }

  async function replace(trx: Kysely<DatabaseSchema>, row: AutomationTable, spec: AutomationSpec, cursor: string): Promise<Automation> {
    const clash = await trx.selectFrom("automations").select("id").where("name", "=", spec.name).where("id", "<>", row.id).executeTakeFirst();
    if (clash) throw new WeirError("CONFLICT", `an automation named '${spec.name}' exists already`);
    const triggerText = toJsonColumn(spec.trigger);
    const isRestarted = triggerText !== toJsonColumn(JSON.parse(row.trigger_spec)) || (spec.enabled && Number(row.is_enabled) !== 1);
    const patch = {
      name: spec.name,
      description: spec.description,
      is_enabled: spec.enabled ? 1 : 0,
      trigger_spec: triggerText,
      // Secrets sent back as `****` keep the stored ones (unsealed here, sealed again with the rest).
      actions: toJsonColumn(sealActions(keepStoredSecrets(spec.actions, unsealActions(fromJsonColumn<StoredAction[]>(row.actions), row.id, secretKey)), row.id, secretKey)),
      ...(isRestarted ? freshTrigger(cursor) : {}),
      updated_at: ctx.clock.now().toISOString(),
    };
    await trx.updateTable("automations").set(patch).where("id", "=", row.id).execute();
    return automationFromRow({ ...row, ...patch });
  }

  return {
    /** Create an automation from its form; CONFLICT when the name is taken. */
    async createAutomation(input: unknown): Promise<Automation> {
      const spec = parseAutomationSpec(input);
      const cursor = await latestEventCursor(ctx.database);
      return ctx.database.writeTransaction((trx) => insert(trx, spec, null, cursor));
    },

    /** Replace an automation's form (by id or name); its history stays. */
    async updateAutomation(idOrName: string, input: unknown): Promise<Automation> {
      const spec = parseAutomationSpec(input);
      const cursor = await latestEventCursor(ctx.database);
      return ctx.database.writeTransaction(async (trx) => replace(trx, await requireRow(trx, idOrName), spec, cursor));
    },

    /** One automation by id or name. */
    async readAutomation(idOrName: string): Promise<Automation> {
      return automationFromRow(await requireRow(db, idOrName));
    },

    /** Every automation, by name. */
    async listAutomations(): Promise<Automation[]> {
      const rows = await db.selectFrom("automations").selectAll().orderBy("name").limit(MAX_AUTOMATIONS_LISTED).execute();
      return rows.map(automationFromRow);
    },

    /** Enable (its trigger starts afresh) or disable an automation. */
    async setAutomationEnabled(idOrName: string, isEnabled: boolean): Promise<Automation> {
      if (typeof isEnabled !== "boolean") invalid("isEnabled", "must be true or false");
      const cursor = await latestEventCursor(ctx.database);
      return ctx.database.writeTransaction(async (trx) => {
        const row = await requireRow(trx, idOrName);
        if ((Number(row.is_enabled) === 1) === isEnabled) return automationFromRow(row);
        const patch = { is_enabled: isEnabled ? 1 : 0, ...(isEnabled ? freshTrigger(cursor) : {}), updated_at: ctx.clock.now().toISOString() };
        await trx.updateTable("automations").set(patch).where("id", "=", row.id).execute();
        return automationFromRow({ ...row, ...patch });
      });
    },

    /** Delete an automation and its history. */
    async deleteAutomation(idOrName: string): Promise<void> {
      const row = await requireRow(db, idOrName);
      await ctx.database.writeTransaction(async (trx) => {
        await trx.deleteFrom("automation_firings").where("automation_id", "=", row.id).execute();
        await trx.deleteFrom("automations").where("id", "=", row.id).execute();
      });
    },

    /** An automation's firings, newest first. */
    async listAutomationFirings(idOrName: string, limit = 50): Promise<AutomationFiring[]> {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FIRINGS_LISTED) invalid("limit", `must be an integer from 1 to ${MAX_FIRINGS_LISTED}`);
      const row = await requireRow(db, idOrName);
      const rows = await db.selectFrom("automation_firings").selectAll().where("automation_id", "=", row.id).orderBy("fired_at", "desc").orderBy("id", "desc").limit(limit).execute();
      return rows.map(firingFromRow);
    },

    /**
     * Make a deployment's automations (its weir.yaml `triggers:`) exactly these: created or
     * replaced by name, and those it had that are not named any more deleted.
     */
    async setDeploymentAutomations(deploymentId: string, inputs: unknown[]): Promise<Automation[]> {
      if (!Array.isArray(inputs)) invalid("automations", "must be a list");
      const specs = inputs.map((input, index) => parseAutomationSpec(input, "automations", String(index)));
      const names = new Set<string>();
      for (const spec of specs) {
        if (names.has(spec.name)) invalid("automations", `two triggers are named '${spec.name}'`);
        names.add(spec.name);
      }
      const cursor = await latestEventCursor(ctx.database);
      return ctx.database.writeTransaction(async (trx) => {
        if (!(await trx.selectFrom("deployments").select("id").where("id", "=", deploymentId).executeTakeFirst())) throw WeirError.notFound("deployment", deploymentId);
        const owned = await trx.selectFrom("automations").selectAll().where("deployment_id", "=", deploymentId).execute();
        const gone = owned.filter((row) => !names.has(row.name)).map((row) => row.id);
        if (gone.length > 0) {
          await trx.deleteFrom("automation_firings").where("automation_id", "in", gone).execute();
          await trx.deleteFrom("automations").where("id", "in", gone).execute();
        }
        const saved: Automation[] = [];
        for (const spec of specs) {
          const existing = await trx.selectFrom("automations").selectAll().where("name", "=", spec.name).executeTakeFirst();
          if (existing && existing.deployment_id !== deploymentId) {
            throw new WeirError("CONFLICT", `an automation named '${spec.name}' exists already and belongs to ${existing.deployment_id === null ? "no deployment" : "another deployment"}; rename the trigger`);
          }
          saved.push(existing ? await replace(trx, existing, spec, cursor) : await insert(trx, spec, deploymentId, cursor));
        }
        return saved;
      });
    },
  };
}
