/**
 * Fault suite: the server is SIGKILLed twice, and restarted on the same port, while a flow run
 * (a real `weir run` process over HTTP) writes 5,000 log lines. The run ends Completed and every
 * line is stored: none lost (duplicates from a retried batch whose answer was lost are counted).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startWeir as startWeirProcess, stopProcess, readServerUrl } from "../../../bench/server-url.js";
import { HttpClient } from "../../../src/client/http-client.js";
import { runProcess, REPO_ROOT } from "../../helpers/run-process.js";
import { freePort } from "../../helpers/free-port.js";
import { useTestDatabase } from "../../helpers/test-database.js";
import { recordFaultFigures } from "../fault-figures.js";

const FLOW = fileURLToPath(new URL("../fixtures/chatty-flow.ts", import.meta.url));
const LINES = 5000;

const database = useTestDatabase();


describe("server killed while logs are in flight", () => {
  it(`keeps all ${LINES} lines of a run across two server SIGKILLs`, async () => {
    const port = await freePort();
    const serverEnv: NodeJS.ProcessEnv = { ...process.env, WEIR_FROM_SOURCE: "1", WEIR_HOME: database.dir, WEIR_DATABASE_URL: database.url };
    delete serverEnv.WEIR_API_KEY;
    const startServer = async () => {
      const child = startWeirProcess(["server", "start", "--port", String(port)], serverEnv);
      await readServerUrl(child);
      return child;
    };
    let server = await startServer();
    const apiUrl = `http://127.0.0.1:${port}/api`;
    const runEnv: NodeJS.ProcessEnv = { ...process.env, WEIR_FROM_SOURCE: "1", WEIR_HOME: database.dir, WEIR_API_URL: apiUrl, WEIR_LOGGING_QUIET: "1", NO_COLOR: "1" };
    delete runEnv.WEIR_DATABASE_URL;
    delete runEnv.WEIR_API_KEY;
    const run = runProcess(process.execPath, [`${REPO_ROOT}bin/weir.js`, "run", `${FLOW}:chatty`, "--param", `lines=${LINES}`], runEnv, 300_000);
    let kills = 0;
    try {
      for (const delayMs of [1500, 2500]) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        server.kill("SIGKILL");
        await new Promise((resolve) => server.once("exit", resolve));
        kills++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        server = await startServer();
      }
      const result = await run;
      expect(result.code, result.stderr + result.stdout).toBe(0);
      const client = new HttpClient({ apiUrl });
      try {
        const [flowRun] = (await client.listFlowRuns({ flowNames: ["chatty"] })).items;
        expect(flowRun?.stateName).toBe("Completed");
        const seen = new Map<number, number>();
        let afterId: number | undefined;
        for (;;) {
          const logs = await client.readLogs({ flowRunId: flowRun?.id, afterId, limit: 1000 });
          if (logs.length === 0) break;
          for (const log of logs) {
            const match = /^line (\d+)$/.exec(log.message);
            if (match) seen.set(Number(match[1]), (seen.get(Number(match[1])) ?? 0) + 1);
          }
          afterId = logs.at(-1)?.id;
        }
        const missing = Array.from({ length: LINES }, (_, line) => line).filter((line) => !seen.has(line));
        const duplicates = [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
        expect(missing).toEqual([]);
        recordFaultFigures("server-restart-logs", { lines: LINES, serverKills: kills, missing: missing.length, duplicates });
      } finally {
        await client.close();
      }
    } finally {
      await stopProcess(server);
    }
  });
});
