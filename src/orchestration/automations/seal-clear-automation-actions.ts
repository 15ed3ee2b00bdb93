/**
 * Automations saved before their notification secrets were sealed (`main` from the automations
 * merge until sealing came, both after migration 015) hold those actions in clear in
 * `automations.actions`. This seals them as saving the automation today would
 * (automation-mapper.ts: redacted, plus `$sealed` under the server key); it runs once when the
 * automations service starts. Actions already sealed, or with no secret, are left as they are,
 * so running it again changes nothing.
 */
import { isNotificationAction } from "../../core/automations/automation-actions.js";
import { fromJsonColumn, toJsonColumn } from "../../db/json-column.js";
import { hasNotificationSecrets } from "../notifications/notification-secrets.js";
import { notificationSecretKey } from "../notifications/notification-outbox.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { sealActions, unsealActions, type StoredAction } from "./automation-mapper.js";

/** Whether a stored action holds a secret in clear (a notification action with secrets and no `$sealed`). */
export function isClearSecretAction(action: StoredAction): boolean {
  return action.$sealed === undefined && isNotificationAction(action) && hasNotificationSecrets(action);
}

/**
 * Seal the clear secrets of every automation (see file header); resolves to how many automations
 * it sealed. CONFLICT when one has clear secrets and no server key is set (PostgreSQL without
 * `WEIR_SECRET_KEY`); those before it stay sealed.
 */
export async function sealClearAutomationActions(ctx: OrchestrationContext): Promise<number> {
  const { database } = ctx;
  const secretKey = notificationSecretKey(ctx);
  const rows = await database.db.selectFrom("automations").select(["id", "actions"]).execute();
  const clearIds = rows.filter((row) => fromJsonColumn<StoredAction[]>(row.actions).some(isClearSecretAction)).map((row) => row.id);
  let sealed = 0;
  for (const id of clearIds) {
    sealed += await database.writeTransaction(async (trx) => {
      let query = trx.selectFrom("automations").select("actions").where("id", "=", id);
      if (database.capabilities.supportsRowLocks) query = query.forUpdate();
      const row = await query.executeTakeFirst();
      // Deleted, or saved (sealed) again, since the list was read.
      const stored = row === undefined ? [] : fromJsonColumn<StoredAction[]>(row.actions);
      if (!stored.some(isClearSecretAction)) return 0;
      const actions = toJsonColumn(sealActions(unsealActions(stored, id, secretKey), id, secretKey));
      await trx.updateTable("automations").set({ actions }).where("id", "=", id).execute();
      return 1;
    });
  }
  return sealed;
}
