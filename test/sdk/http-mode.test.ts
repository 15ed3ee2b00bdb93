import { afterAll, beforeAll, describe, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { useTestServer } from "../helpers/test-server.js";
import { expectManyTasksStored, runManyTasks } from "./many-tasks-run.js";

// The same SDK code, talking HTTP to a server (WEIR_API_URL) instead of the embedded database.
const { database, server } = useTestServer();
let client: HttpClient;

beforeAll(() => {
  client = new HttpClient({ apiUrl: server.url });
});
afterAll(async () => {
  await client?.close();
});

describe("SDK over HTTP", () => {
  it("records a flow of 100 tasks and its logs through the server", async () => {
    const result = await runManyTasks(100, { WEIR_API_URL: server.url, WEIR_HOME: database.dir });
    await expectManyTasksStored(client, result, 100);
  }, 90_000);
});
