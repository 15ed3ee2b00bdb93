/**
 * Per-file set-up of the tests that use the service layer or the SDK in this process: a fresh
 * database (see test-database.ts), the orchestration opened on it, and an `InProcessClient`
 * sharing that orchestration. Like `useTestDatabase`, the objects returned are stand-ins filled
 * in place by `beforeAll`, and everything is closed by `afterAll` (client, then orchestration,
 * then database), after the file's own `afterAll` hooks.
 */
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { InProcessClient } from "../../src/client/in-process-client.js";
import type { Clock } from "../../src/core/clock.js";
import { openOrchestration, type OpenedOrchestration } from "../../src/orchestration/create-orchestration.js";
import { flushAll, setClient } from "../../src/sdk/client-provider.js";
import { useTestDatabase, type TestDatabase } from "./test-database.js";

/** What `useTestOrchestration` sets up. */
export interface TestOrchestration {
  database: TestDatabase;
  opened: OpenedOrchestration;
  /** A client over `opened` (it does not close `opened`; the hooks do). */
  client: InProcessClient;
}

/** A database, the orchestration opened on it (with `clock`, if given) and a client over it. */
export function useTestOrchestration(options: { clock?: Clock } = {}): TestOrchestration {
  const database = useTestDatabase();
  const opened = {} as OpenedOrchestration;
  // The client reads `opened` at each call, so it works once beforeAll has filled it.
  const client = new InProcessClient({ opened });
  let isOpen = false;
  beforeAll(async () => {
    Object.assign(opened, await openOrchestration({ databaseUrl: database.url, ...(options.clock ? { clock: options.clock } : {}) }));
    isOpen = true;
  });
  afterAll(async () => {
    await client.close();
    if (isOpen) await opened.close();
  });
  return { database, opened, client };
}

/**
 * `useTestOrchestration`, with the client installed for the SDK (`setClient`) and WEIR_HOME in
 * the test's scratch folder, as a script using Weir would run; afterwards, every buffered write
 * is flushed, the client uninstalled and WEIR_HOME restored.
 */
export function useSdkTestClient(): TestOrchestration {
  const set = useTestOrchestration();
  const previousHome = process.env.WEIR_HOME;
  beforeAll(() => {
    process.env.WEIR_HOME = join(set.database.dir, "home");
    setClient(set.client);
  });
  afterAll(async () => {
    await flushAll();
    setClient(null);
    if (previousHome === undefined) delete process.env.WEIR_HOME;
    else process.env.WEIR_HOME = previousHome;
  });
  return set;
}
