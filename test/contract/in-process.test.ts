/** The orchestration contract over the in-process client, on the engine WEIR_TEST_DB names. */
import { InProcessClient } from "../../src/client/in-process-client.js";
import { openOrchestration } from "../../src/orchestration/create-orchestration.js";
import { createTestDatabase } from "../helpers/test-database.js";
import { describeOrchestrationContract } from "./orchestration-contract.js";

describeOrchestrationContract("in-process", async ({ clock }) => {
  const database = await createTestDatabase();
  const opened = await openOrchestration({ databaseUrl: database.url, clock });
  const client = new InProcessClient({ opened, isOwner: true });
  return {
    client,
    close: async () => {
      await client.close();
      await database.dispose();
    },
  };
});
