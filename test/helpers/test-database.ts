/**
 * A fresh database for one test file, on the engine named by WEIR_TEST_DB:
 * `sqlite` (default): a new file in a temp directory; `postgres`: a new schema in the
 * `test` database on 127.0.0.1:5432 (URL carries `?schema=NAME`, which Weir turns into the
 * search_path). `dispose()` drops the schema / removes the directory.
 *
 * `useTestDatabase()` does the same for a whole test file through its hooks. Like the other
 * `use…` helpers of the tests, it returns a stand-in that its `beforeAll` fills in place, so a
 * file takes it as a constant at its top and uses it once its tests run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";

/** Which engine this test process runs against. */
export type TestEngine = "sqlite" | "postgres";

/** The engine chosen through WEIR_TEST_DB. */
export function testEngine(): TestEngine {
  return process.env.WEIR_TEST_DB === "postgres" ? "postgres" : "sqlite";
}

/** Base URL of the PostgreSQL test database. */
export const POSTGRES_TEST_URL = process.env.WEIR_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A database URL for a test, and how to throw it away. */
export interface TestDatabase {
  engine: TestEngine;
  url: string;
  /** A scratch directory for this test (WEIR_HOME, result storage, …). */
  dir: string;
  dispose(): Promise<void>;
}

/** Create a fresh, empty database for the current test file. */
export async function createTestDatabase(engine: TestEngine = testEngine()): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "weir-test-"));
  if (engine === "sqlite") {
    return {
      engine,
      url: `sqlite://${join(dir, "weir.db")}`,
      dir,
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_TEST_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await admin.end();
  }
  return {
    engine,
    url: `${POSTGRES_TEST_URL}?schema=${schema}`,
    dir,
    dispose: async () => {
      const cleaner = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      await cleaner.connect();
      try {
        await cleaner.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await cleaner.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database for the tests of this file (or describe block): created before them, disposed after. */
export function useTestDatabase(engine: TestEngine = testEngine()): TestDatabase {
  const database = {} as TestDatabase;
  let created: TestDatabase | undefined;
  beforeAll(async () => {
    created = await createTestDatabase(engine);
    Object.assign(database, created);
  });
  afterAll(async () => {
    await created?.dispose();
  });
  return database;
}
