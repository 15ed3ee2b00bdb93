/**
 * Per-file set-up of the tests that talk to a real Weir server: a fresh database (see
 * test-database.ts) and a server on it, on a free port, quiet, without dashboard or background
 * services unless the options ask for them. The object returned is a stand-in filled in place by
 * `beforeAll`; the server is closed by `afterAll`, after the file's own `afterAll` hooks.
 */
import { afterAll, beforeAll } from "vitest";
import { startServer, type RunningServer, type StartServerOptions } from "../../src/server/start-server.js";
import { useTestDatabase, type TestDatabase } from "./test-database.js";

/** What `useTestServer` sets up. */
export interface TestServer {
  database: TestDatabase;
  server: RunningServer;
}

/** A database and a server on it; `options` go over the test defaults. */
export function useTestServer(options: StartServerOptions = {}): TestServer {
  const database = useTestDatabase();
  const server = {} as RunningServer;
  let isRunning = false;
  beforeAll(async () => {
    Object.assign(server, await startServer({ port: 0, databaseUrl: database.url, runServices: false, uiDir: null, log: () => undefined, ...options }));
    isRunning = true;
  });
  afterAll(async () => {
    if (isRunning) await server.close();
  });
  return { database, server };
}
