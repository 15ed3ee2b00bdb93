/**
 * The `server` result store's side of the service layer: serialized results by key, as bytes in
 * the orchestration database. A write of an existing key replaces it (a retried upload is
 * harmless). The size limit is the server's (its routes answer 413 past it).
 */
import { MAX_RESULT_KEY_LENGTH, RESULT_KEY_PATTERN } from "../core/input-limits.js";
import type { StoredResult, StoredResultPage } from "../core/stored-result.js";
import { invalid } from "./input-checks.js";
import { referencedResultKeys as referencedKeysOf } from "./maintenance/release-stored-results.js";
import type { OrchestrationContext } from "./orchestration-context.js";

const KEY_PATTERN = new RegExp(RESULT_KEY_PATTERN);
const MAX_PAGE = 1000;

function checkResultKey(key: unknown): string {
  if (typeof key !== "string" || key.length > MAX_RESULT_KEY_LENGTH || !KEY_PATTERN.test(key)) invalid("key", "must be 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit, without '..'");
  return key;
}

/** The results area of the service layer. */
export function createResultService(ctx: OrchestrationContext) {
  const { db } = ctx.database;
  return {
    async putResult(key: string, data: Uint8Array): Promise<StoredResult> {
      const checked = checkResultKey(key);
      if (!(data instanceof Uint8Array)) invalid("data", "must be bytes");
      const createdAt = ctx.clock.now().toISOString();
      const values = { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), size_bytes: data.byteLength, created_at: createdAt };
      await db
        .insertInto("results")
        .values({ key: checked, ...values })
        .onConflict((oc) => oc.column("key").doUpdateSet(values))
        .execute();
      return { key: checked, sizeBytes: data.byteLength, createdAt };
    },

    async readResult(key: string): Promise<Uint8Array | null> {
      const row = await db.selectFrom("results").select("data").where("key", "=", checkResultKey(key)).executeTakeFirst();
      return row === undefined ? null : row.data;
    },

    async deleteResult(key: string): Promise<void> {
      await db.deleteFrom("results").where("key", "=", checkResultKey(key)).execute();
    },

    /**
     * Which of these keys some run's current state refers to (its result, or a cache hit or a
     * retry's reuse of it): the rest belong to no run any more. Two index lookups per call
     * (migration 008), so `weir storage prune` can ask about every result of a store.
     */
    async referencedResultKeys(keys: string[]): Promise<string[]> {
      if (!Array.isArray(keys) || keys.length > MAX_PAGE) invalid("keys", `must be a list of at most ${MAX_PAGE} keys`);
      const checked = keys.map(checkResultKey);
      const referenced = await referencedKeysOf(db, ctx.database.sql, checked);
      return checked.filter((key) => referenced.has(key));
    },

    async listResults(query: { after?: string; limit?: number } = {}): Promise<StoredResultPage> {
      const limit = query.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) invalid("limit", `must be an integer from 1 to ${MAX_PAGE}`);
      let select = db.selectFrom("results").select(["key", "size_bytes", "created_at"]).orderBy("key", "asc").limit(limit + 1);
      if (query.after !== undefined) select = select.where("key", ">", query.after);
      const rows = await select.execute();
      const items = rows.slice(0, limit).map((row) => ({ key: row.key, sizeBytes: Number(row.size_bytes), createdAt: row.created_at }));
      return { items, nextAfter: rows.length > limit ? items[items.length - 1]!.key : null };
    },
  };
}
