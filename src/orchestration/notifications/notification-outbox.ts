/**
 * The notification outbox (table `notification_deliveries`, migration 014): `enqueue` writes a
 * pending delivery, inside the caller's transaction when given one; the delivery service
 * `claimDue`s rows (FOR UPDATE SKIP LOCKED on PostgreSQL, the write lock on SQLite, so two
 * servers never send one row at once), sends them and records the outcome with `recordSent`,
 * `recordFailure` (retry at a time, or give up) or `release` (shutdown mid-send: not an attempt).
 * Statuses: src/core/notification-deliveries.ts.
 */
import type { Kysely, Selectable } from "kysely";
import type { NotificationAction } from "../../core/notification-actions.js";
import { parseNotificationAction } from "../../core/notification-actions.js";
import type { NotificationDelivery, NotificationDeliveryStatus, NotificationMessage } from "../../core/notification-deliveries.js";
import { fromJsonColumn, toJsonColumn } from "../../db/json-column.js";
import type { DatabaseSchema, NotificationDeliveryTable } from "../../db/schema.js";
import type { EventResource } from "../../core/events.js";
import { appendEvents } from "../append-events.js";
import { invalid } from "../input-checks.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { createSecretKeySource, type SecretKeySource } from "../secret-key-source.js";
import { wakeNotificationDelivery } from "./notification-runtime.js";
import { notificationTarget, sealNotificationAction, unsealNotificationAction } from "./notification-secrets.js";

/** Attempts a delivery gets unless the enqueuer says otherwise. */
export const DEFAULT_NOTIFICATION_MAX_ATTEMPTS = 6;

/** Most attempts a delivery may be given. */
export const MAX_NOTIFICATION_ATTEMPTS = 100;

/** What to enqueue. */
export interface EnqueueNotificationInput {
  /** Where to send (checked with `parseNotificationAction`). */
  action: NotificationAction;
  message: NotificationMessage;
  /** The automation that sends it. @default null */
  automationId?: string | null;
  /** @default WEIR_NOTIFICATION_MAX_ATTEMPTS, else DEFAULT_NOTIFICATION_MAX_ATTEMPTS (6) */
  maxAttempts?: number;
}

/** A claimed delivery, with its action in clear, ready to send. */
export interface ClaimedNotification {
  id: string;
  action: NotificationAction;
  message: NotificationMessage;
  /** This attempt's number (1 for the first). */
  attempt: number;
  maxAttempts: number;
}

/** The authenticated-data context a delivery's action is sealed under. */
export function deliverySealContext(id: string): string {
  return `notification-delivery:${id}`;
}

/** The API's view of a row. */
export function deliveryFromRow(row: Selectable<NotificationDeliveryTable>): NotificationDelivery {
  return {
    id: row.id,
    automationId: row.automation_id,
    actionType: row.action_type as NotificationDelivery["actionType"],
    target: row.target,
    status: row.status as NotificationDeliveryStatus,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    nextAttemptAt: row.status === "pending" ? row.next_attempt_at : null,
    lastError: row.last_error,
    message: fromJsonColumn<NotificationMessage>(row.message),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
  };
}

/** `WEIR_NOTIFICATION_MAX_ATTEMPTS`, checked, or the default. */
export function defaultMaxAttempts(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.WEIR_NOTIFICATION_MAX_ATTEMPTS?.trim();
  if (text === undefined || text === "") return DEFAULT_NOTIFICATION_MAX_ATTEMPTS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_NOTIFICATION_ATTEMPTS) invalid("WEIR_NOTIFICATION_MAX_ATTEMPTS", `must be an integer from 1 to ${MAX_NOTIFICATION_ATTEMPTS}, got '${text}'`);
  return value;
}

// One key source per database, so a passphrase is stretched once, however many outboxes are made.
const keySources = new WeakMap<OrchestrationContext["database"], SecretKeySource>();

/** The server key source notification secrets are sealed with (one per database). */
export function notificationSecretKey(ctx: OrchestrationContext): SecretKeySource {
  if (ctx.secretKey !== undefined) return ctx.secretKey;
  let source = keySources.get(ctx.database);
  if (source === undefined) {
    source = createSecretKeySource({ allowsKeyFile: ctx.database.dialect === "sqlite" });
    keySources.set(ctx.database, source);
  }
  return source;
}

/**
 * The stored event of a delivery's outcome (`notification.sent`, `notification.failed`): about
 * the delivery, related to its automation and the flow run, flow and deployment of its message.
 */
async function appendOutcomeEvent(trx: Kysely<DatabaseSchema>, row: Selectable<NotificationDeliveryTable>, name: "notification.sent" | "notification.failed", extra: Record<string, unknown>, now: Date): Promise<void> {
  const message = fromJsonColumn<NotificationMessage>(row.message);
  const related: EventResource[] = [];
  if (row.automation_id !== null) related.push({ kind: "automation", id: row.automation_id, ...(message.automation ? { name: message.automation.name } : {}) });
  if (message.flowRun) related.push({ kind: "flow-run", id: message.flowRun.id, name: message.flowRun.name });
  if (message.flow) related.push({ kind: "flow", id: message.flow.id, name: message.flow.name });
  if (message.deployment) related.push({ kind: "deployment", id: message.deployment.id, name: message.deployment.name });
  await appendEvents(
    trx,
    [{ event: name, resource: { kind: "notification", id: row.id, name: row.action_type }, related, payload: { actionType: row.action_type, target: row.target, attempts: Number(row.attempts), about: message.event.name, ...extra } }],
    now,
  );
}

/** The outbox over one context (see file header); cheap to create. */
export function createNotificationOutbox(ctx: OrchestrationContext) {
  const { database } = ctx;
  const secretKey = notificationSecretKey(ctx);

  /**
   * An attempt failed with `reason` (secrets already scrubbed). `retryAt`: try again then,
   * unless this was the last attempt; null: give up now.
   */
  async function recordFailure(id: string, now: Date, reason: string, retryAt: Date | null): Promise<NotificationDeliveryStatus> {
    const at = now.toISOString();
    return database.writeTransaction(async (trx) => {
      const row = await trx.selectFrom("notification_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
      if (row === undefined) return "failed";
      const attempts = Number(row.attempts);
      const isLast = attempts >= Number(row.max_attempts);
      const status: NotificationDeliveryStatus = retryAt !== null && !isLast ? "pending" : "failed";
      const lastError = (status === "failed" && retryAt !== null ? `gave up after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${reason}` : reason).slice(0, 2000);
      await trx
        .updateTable("notification_deliveries")
        .set({ status, last_error: lastError, updated_at: at, claimed_until: null, next_attempt_at: status === "pending" ? (retryAt ?? now).toISOString() : null })
        .where("id", "=", id)
        .execute();
      if (status === "failed") await appendOutcomeEvent(trx, row, "notification.failed", { reason: lastError }, now);
      return status;
    });
  }

  return {
    /**
     * Enqueue a delivery; with `trx`, inside that transaction (it is sent once that commits).
     * Throws VALIDATION on a bad action, CONFLICT when the action has secrets and no server key is set.
     */
    async enqueue(input: EnqueueNotificationInput, trx?: Kysely<DatabaseSchema>, internal: { isClaimed?: boolean } = {}): Promise<NotificationDelivery> {
      const action = parseNotificationAction(input.action, "action");
      const maxAttempts = input.maxAttempts ?? defaultMaxAttempts();
      if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_NOTIFICATION_ATTEMPTS) invalid("maxAttempts", `must be an integer from 1 to ${MAX_NOTIFICATION_ATTEMPTS}`);
      const id = crypto.randomUUID();
      const { redacted, sealed } = sealNotificationAction(action, secretKey, deliverySealContext(id));
      const now = ctx.clock.now().toISOString();
      const row: Selectable<NotificationDeliveryTable> = {
        id,
        automation_id: input.automationId ?? null,
        action_type: action.type,
        target: notificationTarget(action),
        action: toJsonColumn(redacted),
        sealed_action: sealed,
        message: toJsonColumn(input.message),
        // A test notification is sent by its caller at once: claimed from the start, first attempt counted.
        status: internal.isClaimed ? "sending" : "pending",
        attempts: internal.isClaimed ? 1 : 0,
        max_attempts: maxAttempts,
        next_attempt_at: now,
        claimed_until: internal.isClaimed ? new Date(ctx.clock.now().getTime() + 15 * 60_000).toISOString() : null,
        last_error: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
      };
      await (trx ?? database.db).insertInto("notification_deliveries").values(row).execute();
      if (!internal.isClaimed) wakeNotificationDelivery(database);
      return deliveryFromRow(row);
    },

    /** Claim up to `limit` due deliveries until `claimedUntil` (each claim counts as an attempt). */
    async claimDue(now: Date, limit: number, claimedUntil: Date): Promise<ClaimedNotification[]> {
      if (limit <= 0) return [];
      const nowText = now.toISOString();
      const rows = await database.writeTransaction(async (trx) => {
        let query = trx
          .selectFrom("notification_deliveries")
          .selectAll()
          .where((eb) =>
            eb.or([
              eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", nowText)]),
              eb.and([eb("status", "=", "sending"), eb("claimed_until", "<=", nowText)]),
            ]),
          )
          .orderBy("next_attempt_at", "asc")
          .limit(limit);
        if (database.capabilities.supportsSkipLocked) query = query.forUpdate().skipLocked();
        const due = await query.execute();
        if (due.length === 0) return [];
        await trx
          .updateTable("notification_deliveries")
          .set((eb) => ({ status: "sending", claimed_until: claimedUntil.toISOString(), attempts: eb("attempts", "+", 1), updated_at: nowText }))
          .where("id", "in", due.map((row) => row.id))
          .execute();
        return due;
      });
      const claimed: ClaimedNotification[] = [];
      for (const row of rows) {
        const base = { id: row.id, message: fromJsonColumn<NotificationMessage>(row.message), attempt: Number(row.attempts) + 1, maxAttempts: Number(row.max_attempts) };
        try {
          const action = unsealNotificationAction({ redacted: fromJsonColumn<NotificationAction>(row.action), sealed: row.sealed_action }, secretKey, deliverySealContext(row.id));
          claimed.push({ ...base, action });
        } catch (error) {
          // A key that is missing or changed will not come back by retrying: give up now, saying why.
          await recordFailure(row.id, now, error instanceof Error ? error.message : String(error), null);
        }
      }
      return claimed;
    },

    /** The receiver took it. */
    async recordSent(id: string, now: Date): Promise<void> {
      const at = now.toISOString();
      await database.writeTransaction(async (trx) => {
        const row = await trx.selectFrom("notification_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
        if (row === undefined) return;
        await trx
          .updateTable("notification_deliveries")
          .set({ status: "sent", sent_at: at, updated_at: at, claimed_until: null, next_attempt_at: null, last_error: null })
          .where("id", "=", id)
          .execute();
        await appendOutcomeEvent(trx, row, "notification.sent", {}, now);
      });
    },

    recordFailure,

    /** Give a claimed delivery back untried (the server is stopping mid-send). */
    async release(id: string, now: Date): Promise<void> {
      const at = now.toISOString();
      await database.db
        .updateTable("notification_deliveries")
        .set((eb) => ({ status: "pending", claimed_until: null, next_attempt_at: at, updated_at: at, attempts: eb("attempts", "-", 1) }))
        .where("id", "=", id)
        .where("status", "=", "sending")
        .execute();
    },
  };
}

/** The outbox's operations. */
export type NotificationOutbox = ReturnType<typeof createNotificationOutbox>;
