/**
 * A Weir app over a fresh test database, reached in process through `app.request` (no
 * sockets), with an `HttpClient` wired to it. `close()` releases everything.
 */
import { sql } from "kysely";
import { HttpClient } from "../../src/client/http-client.js";
import type { Clock } from "../../src/core/clock.js";
import { openOrchestration } from "../../src/orchestration/create-orchestration.js";
import type { OrchestrationContext } from "../../src/orchestration/orchestration-context.js";
import { createApp, type CreateAppOptions, type WeirApp } from "../../src/server/create-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

/** The base URL in-process requests use (never resolved). */
export const IN_PROCESS_URL = "http://localhost";

/** An in-process app and what it runs on. */
export interface ServerTestApp extends WeirApp {
  database: TestDatabase;
  context: OrchestrationContext;
  /** A fetch that calls the app without sockets. */
  fetch: typeof fetch;
  /** A client over `fetch`, with the app's API key. */
  client: HttpClient;
  close(): Promise<void>;
}

/** Open a fresh database and build an app over it. */
export async function createServerTestApp(
  options: { apiKey?: string; maxBodyBytes?: number; clock?: Clock } & Pick<CreateAppOptions, "allowedHosts" | "allowedOrigins" | "allowsProcessEnv"> = {},
): Promise<ServerTestApp> {
  const database = await createTestDatabase();
  const opened = await openOrchestration({ databaseUrl: database.url, ...(options.clock ? { clock: options.clock } : {}) });
  const weirApp = createApp({
    orchestration: opened.orchestration,
    subscribe: (signal, filter) => opened.context.events.stream(signal, filter),
    isReady: async () => {
      await sql`select 1`.execute(opened.context.database.db);
      return true;
    },
    apiKey: options.apiKey,
    maxBodyBytes: options.maxBodyBytes,
    allowedHosts: options.allowedHosts,
    allowedOrigins: options.allowedOrigins,
    allowsProcessEnv: options.allowsProcessEnv,
    logError: (message, error) => console.error(message, error),
  });
  const inProcessFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    weirApp.app.request(input instanceof URL ? input.href : input, init)) as typeof fetch;
  const client = new HttpClient({ apiUrl: IN_PROCESS_URL, apiKey: options.apiKey, fetch: inProcessFetch });
  return {
    ...weirApp,
    database,
    context: opened.context,
    fetch: inProcessFetch,
    client,
    close: async () => {
      await client.close();
      await opened.close();
      await database.dispose();
    },
  };
}
