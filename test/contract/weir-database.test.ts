/** The database layer on the engine WEIR_TEST_DB names: URLs, migrations recorded once, write transactions (nested ones join). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type WeirDatabase } from "../../src/db/weir-database.js";
import { runMigrations } from "../../src/db/run-migrations.js";
import { MIGRATIONS } from "../../src/db/migrations/migration-list.js";
import { isWeirError } from "../../src/core/weir-error.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

describe("WeirDatabase", () => {
  let test: TestDatabase;
  let database: WeirDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
    database = await openDatabase(test.url);
  });
  afterAll(async () => {
    await database?.close();
    await test?.dispose();
  });

  it("records migrations once and seeds the default pool and queue", async () => {
    const applied = await database.db.selectFrom("weir_migrations").select("name").execute();
    expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await runMigrations(database)).toEqual([]);
    const again = await openDatabase(test.url);
    await again.close();
    const queues = await database.db.selectFrom("work_queues").select(["work_pool_name", "name"]).execute();
    expect(queues).toEqual([{ work_pool_name: "default", name: "default" }]);
    expect((await database.db.selectFrom("work_pools").select("type").executeTakeFirstOrThrow()).type).toBe("process");
  });

  it("commits a write transaction, rolls it back on error, and lets a nested one join it", async () => {
    const now = new Date().toISOString();
    const variable = (name: string) => ({ id: crypto.randomUUID(), name, value: "1", tags: "[]", created_at: now, updated_at: now });
    await database.writeTransaction(async (trx) => {
      await trx.insertInto("variables").values(variable("outer")).execute();
      await database.writeTransaction((inner) => inner.insertInto("variables").values(variable("inner")).execute());
    });
    await expect(
      database.writeTransaction(async (trx) => {
        await trx.insertInto("variables").values(variable("doomed-outer")).execute();
        await database.writeTransaction((inner) => inner.insertInto("variables").values(variable("doomed-inner")).execute());
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const names = (await database.db.selectFrom("variables").select("name").orderBy("name").execute()).map((row) => row.name);
    expect(names).toEqual(["inner", "outer"]);
  });

  it("refuses URLs it does not understand with a clear error", async () => {
    for (const url of ["mysql://x/y", "sqlite://", "nonsense"]) {
      const error = await openDatabase(url).catch((caught: unknown) => caught);
      expect(isWeirError(error) && error.code).toBe("BAD_REQUEST");
    }
  });
});
