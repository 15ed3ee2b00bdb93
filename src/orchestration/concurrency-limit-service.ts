/**
 * Tag concurrency limits with leased slots. Acquiring is all-or-nothing in one write transaction
 * (the limit rows locked, in tag order, where the dialect has row locks; SQLite's write lock
 * serializes otherwise). A lease that is not renewed expires, and expired leases never count;
 * nor do the leases of flow runs that have ended (see maintenance/expire-concurrency-leases.ts).
 */
import { sql } from "kysely";
import type { AcquireSlotsInput, CreateConcurrencyLimitInput } from "../core/api-types.js";
import { MAX_CONCURRENCY_LIMIT, MAX_LEASE_SECONDS } from "../core/input-limits.js";
import type { ConcurrencyLease, ConcurrencyLimit } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import type { ConcurrencyLimitTable } from "../db/schema.js";
import { checkInteger, checkName, checkStringList, invalid } from "./input-checks.js";
import { isReleasableLease } from "./maintenance/expire-concurrency-leases.js";
import type { OrchestrationContext } from "./orchestration-context.js";

/** Default lease length, in seconds. */
export const DEFAULT_LEASE_SECONDS = 60;

function checkLeaseSeconds(value: unknown): number {
  if (value === undefined) return DEFAULT_LEASE_SECONDS;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_LEASE_SECONDS) invalid("leaseSeconds", `must be a number of seconds above 0 and at most ${MAX_LEASE_SECONDS}`);
  return value;
}

/** The concurrency-limits area of the service layer. */
export function createConcurrencyLimitService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { db } = database;

  async function withActiveSlots(rows: ConcurrencyLimitTable[]): Promise<ConcurrencyLimit[]> {
    if (rows.length === 0) return [];
    const now = ctx.clock.now().toISOString();
    const counts = await db
      .selectFrom("concurrency_leases")
      .select(["tag", sql<number>`count(*)`.as("count")])
      .where("tag", "in", rows.map((row) => row.tag))
      .where((eb) => eb.not(isReleasableLease(eb, now)))
      .groupBy("tag")
      .execute();
    const countOf = new Map(counts.map((row) => [row.tag, Number(row.count)]));
    return rows.map((row) => ({ id: row.id, tag: row.tag, limit: Number(row.slot_limit), activeSlots: countOf.get(row.tag) ?? 0, createdAt: row.created_at }));
  }

  return {
    async createConcurrencyLimit(input: CreateConcurrencyLimitInput): Promise<ConcurrencyLimit> {
      if (typeof input !== "object" || input === null) invalid("input", "must be an object");
      const tag = checkName(input.tag, "tag");
      const limit = checkInteger(input.limit, "limit", 0);
      if (limit > MAX_CONCURRENCY_LIMIT) invalid("limit", `must be at most ${MAX_CONCURRENCY_LIMIT}`);
      const now = ctx.clock.now().toISOString();
      await db
        .insertInto("concurrency_limits")
        .values({ id: crypto.randomUUID(), tag, slot_limit: limit, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column("tag").doUpdateSet({ slot_limit: limit, updated_at: now }))
        .execute();
      return this.readConcurrencyLimit(tag);
    },

    async listConcurrencyLimits(): Promise<ConcurrencyLimit[]> {
      return withActiveSlots(await db.selectFrom("concurrency_limits").selectAll().orderBy("tag").execute());
    },

    async readConcurrencyLimit(tag: string): Promise<ConcurrencyLimit> {
      const row = await db.selectFrom("concurrency_limits").selectAll().where("tag", "=", checkName(tag, "tag")).executeTakeFirst();
      if (!row) throw WeirError.notFound("concurrency limit", tag);
      const [limit] = await withActiveSlots([row]);
      return limit as ConcurrencyLimit;
    },

    async deleteConcurrencyLimit(tag: string): Promise<void> {
      checkName(tag, "tag");
      await database.writeTransaction(async (trx) => {
        const result = await trx.deleteFrom("concurrency_limits").where("tag", "=", tag).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) throw WeirError.notFound("concurrency limit", tag);
        await trx.deleteFrom("concurrency_leases").where("tag", "=", tag).execute();
      });
    },

    async acquireConcurrencySlots(input: AcquireSlotsInput): Promise<ConcurrencyLease | null> {
      if (typeof input !== "object" || input === null) invalid("input", "must be an object");
      const tags = [...new Set(checkStringList(input.tags, "tags"))].sort();
      const holderId = checkName(input.holderId, "holderId");
      const leaseSeconds = checkLeaseSeconds(input.leaseSeconds);
      const now = ctx.clock.now();
      const nowIso = now.toISOString();
      const expiresAt = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
      const leaseId = crypto.randomUUID();
      if (tags.length === 0) return { id: leaseId, tags: [], holderId, expiresAt };
      return database.writeTransaction(async (trx) => {
        let limitQuery = trx.selectFrom("concurrency_limits").selectAll().where("tag", "in", tags).orderBy("tag");
        if (database.capabilities.supportsRowLocks) limitQuery = limitQuery.forUpdate();
        const limits = await limitQuery.execute();
        if (limits.length === 0) return { id: leaseId, tags: [], holderId, expiresAt };
        const limitedTags = limits.map((row) => row.tag);
        await trx
          .deleteFrom("concurrency_leases")
          .where("tag", "in", limitedTags)
          .where((eb) => isReleasableLease(eb, nowIso))
          .execute();
        const counts = await trx
          .selectFrom("concurrency_leases")
          .select(["tag", sql<number>`count(*)`.as("count")])
          .where("tag", "in", limitedTags)
          .groupBy("tag")
          .execute();
        const countOf = new Map(counts.map((row) => [row.tag, Number(row.count)]));
        if (limits.some((row) => (countOf.get(row.tag) ?? 0) >= Number(row.slot_limit))) return null;
        await trx
          .insertInto("concurrency_leases")
          .values(limitedTags.map((tag) => ({ id: leaseId, tag, holder_id: holderId, expires_at: expiresAt, created_at: nowIso })))
          .execute();
        return { id: leaseId, tags: limitedTags, holderId, expiresAt };
      });
    },

    async renewConcurrencyLease(leaseId: string, leaseSeconds?: number): Promise<void> {
      checkName(leaseId, "leaseId");
      const now = ctx.clock.now();
      const expiresAt = new Date(now.getTime() + checkLeaseSeconds(leaseSeconds) * 1000).toISOString();
      const result = await db
        .updateTable("concurrency_leases")
        .set({ expires_at: expiresAt })
        .where("id", "=", leaseId)
        .where("expires_at", ">", now.toISOString())
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new WeirError("NOT_FOUND", `concurrency lease '${leaseId}' not found, released or expired`);
    },

    async releaseConcurrencyLease(leaseId: string): Promise<void> {
      await db.deleteFrom("concurrency_leases").where("id", "=", checkName(leaseId, "leaseId")).execute();
    },
  };
}
