/**
 * Set-up shared by the SDK tests: a fresh database (SQLite or PostgreSQL per WEIR_TEST_DB), an
 * InProcessClient over it installed with `setClient`, result storage in the test's scratch
 * folder, and a fake clock + sleep injected into the engine (and the service layer) so retries
 * and expirations never wait real time.
 */
import { InProcessClient } from "../../src/client/in-process-client.js";
import type { Clock } from "../../src/core/clock.js";
import { setClient, flushAll, releaseClient } from "../../src/sdk/client-provider.js";
import { setEngineEffects } from "../../src/sdk/engine-effects.js";
import { createTestDatabase } from "../helpers/test-database.js";
import type { TestDatabase } from "../helpers/test-database.js";

/** A fake clock that only moves when told to (or when the engine sleeps). */
export class FakeClock implements Clock {
  private ms: number;
  constructor(start = Date.parse("2026-01-01T00:00:00.000Z")) {
    this.ms = start;
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** What a test gets from `openSdkHarness`. */
export interface SdkHarness {
  client: InProcessClient;
  database: TestDatabase;
  clock: FakeClock;
  /** Every delay the engine slept, in ms. */
  sleeps: number[];
  close(): Promise<void>;
}

/** Open a database and wire the SDK to it (call in beforeAll; `close()` in afterAll). */
export async function openSdkHarness(): Promise<SdkHarness> {
  const database = await createTestDatabase();
  const clock = new FakeClock();
  const client = await InProcessClient.open({ databaseUrl: database.url, clock });
  const sleeps: number[] = [];
  process.env.WEIR_RESULT_STORAGE = `${database.dir}/storage`;
  process.env.WEIR_LOGGING_QUIET = "1";
  setClient(client);
  const restore = setEngineEffects({
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
    random: () => 0.5,
  });
  return {
    client,
    database,
    clock,
    sleeps,
    close: async () => {
      await flushAll();
      await releaseClient(client);
      setClient(null);
      restore();
      await client.close();
      await database.dispose();
    },
  };
}
