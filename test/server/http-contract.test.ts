/**
 * The orchestration contract over HTTP, on the engine WEIR_TEST_DB names: once with `fetch`
 * calling the app in process (no sockets), once over a real socket to `startServer`.
 */
import { HttpClient } from "../../src/client/http-client.js";
import { startServer } from "../../src/server/start-server.js";
import { describeOrchestrationContract } from "../contract/orchestration-contract.js";
import { createTestDatabase } from "../helpers/test-database.js";
import { createServerTestApp } from "./server-test-app.js";

describeOrchestrationContract("HTTP in process", async ({ clock }) => {
  const server = await createServerTestApp({ clock, apiKey: "contract-key" });
  return { client: server.client, close: () => server.close() };
});

describeOrchestrationContract("HTTP over a socket", async ({ clock }) => {
  const database = await createTestDatabase();
  const server = await startServer({ port: 0, databaseUrl: database.url, clock, runServices: false, apiKey: "contract-key", log: () => undefined });
  const client = new HttpClient({ apiUrl: server.url, apiKey: "contract-key" });
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
      await database.dispose();
    },
  };
});
