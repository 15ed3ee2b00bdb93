/**
 * Secret variables against a real server on both databases: encrypted at rest, `****` in every
 * API answer, read in clear only by an executing run through the SDK (a real `weir run` child
 * process), never by a browser, and redacted from the run's logs, states and errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { FlowRun, LogRecord } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { cliEnv, runCli } from "../cli/run-cli.js";
import { useTestServer } from "../helpers/test-server.js";

const KEY = "q3W2m8vX0c1Zb6Yt9Rj4Lk7Hs5Df2Ga8Pq1Wn3Ee0Ug=";
const PASSWORD = "hunter2-\u00e9t\u00e9-Zx9!";
const previousKey = process.env.WEIR_SECRET_KEY;
process.env.WEIR_SECRET_KEY = KEY;

const { database, server } = useTestServer();
let client: HttpClient;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  client = new HttpClient({ apiUrl: server.url });
  env = cliEnv(`sqlite://${database.dir}/unused/never-opened.db`, database.dir, { WEIR_API_URL: `${server.url}/api` });
  await client.setVariable("warehouse-password", PASSWORD, ["db"], { isSecret: true });
});
afterAll(async () => {
  await client.close();
  if (previousKey === undefined) delete process.env.WEIR_SECRET_KEY;
  else process.env.WEIR_SECRET_KEY = previousKey;
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, text: await response.text() };
}

async function runningFlowRun(name: string): Promise<FlowRun> {
  const run = await client.createFlowRun({ flowName: name, state: makeState("Pending", { now: new Date() }) });
  await client.setFlowRunState(run.id, { state: makeState("Running", { now: new Date() }) });
  return client.readFlowRun(run.id);
}

describe("secret variables through the API", () => {
  it("show **** in read, list and the set answer, never the value", async () => {
    const saved = await client.setVariable("api-token", "tok-secret-1234", [], { isSecret: true });
    expect(saved).toMatchObject({ name: "api-token", value: "****", isSecret: true });
    const read = await get("/api/variables/warehouse-password");
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text)).toMatchObject({ name: "warehouse-password", value: "****", isSecret: true, tags: ["db"] });
    const listed = await get("/api/variables?limit=1000");
    expect(listed.text).toContain('"****"');
    for (const answer of [read, listed]) {
      expect(answer.text).not.toContain(PASSWORD);
      expect(answer.text).not.toContain("tok-secret-1234");
    }
    // A plain variable still reads as itself.
    await client.setVariable("region", "eu-west-1");
    expect(await client.getVariable("region")).toMatchObject({ value: "eu-west-1", isSecret: false });
  });

  it("keeps a secret secret when it is set again without isSecret, and turns it plain only when asked", async () => {
    await client.setVariable("rotating", "first-value-1", [], { isSecret: true });
    expect(await client.setVariable("rotating", "second-value-2")).toMatchObject({ value: "****", isSecret: true });
    expect(await client.setVariable("rotating", "now-public", [], { isSecret: false })).toMatchObject({ value: "now-public", isSecret: false });
  });

  it("stores only ciphertext: no column of the row holds the clear text", async () => {
    const row = await server.context.database.db.selectFrom("variables").selectAll().where("name", "=", "warehouse-password").executeTakeFirstOrThrow();
    const rowText = JSON.stringify(row);
    expect(rowText).not.toContain(PASSWORD);
    expect(rowText).not.toContain(Buffer.from(PASSWORD).toString("base64"));
    expect(Number(row.is_secret)).toBe(1);
    expect(row.secret_value).toMatch(/^weir-secret:v1:[0-9a-f]{16}:/);
    // A fresh nonce per value: setting the same value again gives another ciphertext.
    await client.setVariable("same-twice", PASSWORD, [], { isSecret: true });
    const first = (await server.context.database.db.selectFrom("variables").select("secret_value").where("name", "=", "same-twice").executeTakeFirstOrThrow()).secret_value;
    await client.setVariable("same-twice", PASSWORD, [], { isSecret: true });
    const second = (await server.context.database.db.selectFrom("variables").select("secret_value").where("name", "=", "same-twice").executeTakeFirstOrThrow()).secret_value;
    expect(second).not.toBe(first);
  });

  it("shows **** in the OpenAPI document's examples of a secret variable", async () => {
    const document = await get("/api/openapi.json");
    const variable = (JSON.parse(document.text) as { components: { schemas: Record<string, { examples?: { isSecret: boolean; value: unknown }[] }> } }).components.schemas.Variable;
    const secretExamples = (variable?.examples ?? []).filter((example) => example.isSecret);
    expect(secretExamples.length).toBeGreaterThan(0);
    for (const example of secretExamples) expect(example.value).toBe("****");
  });

  it("gives the clear value only to an executing run, and never to a browser", async () => {
    const running = await runningFlowRun("secret-reader");
    const path = "/api/variables/warehouse-password/value";
    // The SDK's read: the run id in the Sec-Weir-Run-Id header.
    expect(await client.readSecretVariable("warehouse-password", running.id)).toBe(PASSWORD);
    const sdkLike = await get(path, { "sec-weir-run-id": running.id });
    expect(sdkLike.status).toBe(200);
    // Without the header (what a page's script sends: it cannot set a Sec- header), or with any browser's marks.
    const refusals = [
      await get(path),
      await get(path, { "sec-weir-run-id": running.id, origin: server.url }),
      await get(path, { "sec-weir-run-id": running.id, "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" }),
      await get(path, { "sec-weir-run-id": "no-such-run" }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(403);
      expect(refusal.text).not.toContain(PASSWORD);
    }
    // Once the run has finished, it gets nothing more.
    await client.setFlowRunState(running.id, { state: makeState("Completed", { now: new Date() }) });
    await expect(client.readSecretVariable("warehouse-password", running.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("a flow reading a secret (weir run child process)", { timeout: 120_000 }, () => {
  it("reads it in clear in the flow and a task, and its printed and logged lines are stored as ****", async () => {
    const ran = await runCli(["run", "test/server/fixtures/secret-flows.ts:useSecret", "--json"], env);
    expect(ran.code, ran.stderr).toBe(0);
    const run = JSON.parse(ran.stdout) as FlowRun;
    expect(run.stateName).toBe("Completed");
    const reversed = PASSWORD.split("").reverse().join("");
    const final = await client.readFlowRun(run.id);
    expect(final.state.result).toMatchObject({ kind: "inline", value: { reversedInFlow: reversed, reversedInTask: reversed } });

    const logs: LogRecord[] = await client.readLogs({ flowRunId: run.id });
    const messages = logs.map((log) => log.message);
    expect(messages).toEqual(expect.arrayContaining(["the password is ****", "logger says ****", "task connecting with ****"]));
    expect(JSON.stringify(logs)).not.toContain(PASSWORD);
    // What the child printed (the worker of a deployment would store its stderr) is redacted too.
    expect(ran.stderr).toContain("the password is ****");
    expect(ran.stderr + ran.stdout).not.toContain(PASSWORD);
  });

  it("redacts the secret from the error and state message of a failed run", async () => {
    const ran = await runCli(["run", "test/server/fixtures/secret-flows.ts:leakSecret", "--json"], env);
    expect(ran.code).not.toBe(0);
    expect(ran.stderr + ran.stdout).not.toContain(PASSWORD);
    const run = (await client.listFlowRuns({}, { limit: 1000 })).items.find((item) => item.stateName === "Failed");
    expect(run).toBeDefined();
    const states = await client.readFlowRunStates(run!.id);
    const failed = states.find((state) => state.name === "Failed");
    expect(failed?.message).toBe("could not log in with ****");
    expect(JSON.stringify(states)).not.toContain(PASSWORD);
    expect(JSON.stringify(await client.readLogs({ flowRunId: run!.id }))).not.toContain(PASSWORD);
  });
});

describe("weir variable set --secret", { timeout: 120_000 }, () => {
  it("sets a secret through the API; get and ls show ****", async () => {
    const set = await runCli(["variable", "set", "cli-secret", "cli-clear-value-42", "--secret"], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe("Set secret variable 'cli-secret' = **** (secret)\n");
    const shown = await runCli(["variable", "get", "cli-secret"], env);
    expect(shown.stdout).toBe("****\n");
    const listed = await runCli(["variable", "ls"], env);
    expect(listed.stdout).toMatch(/cli-secret\s+\*\*\*\* \(secret\)/);
    const asJson = await runCli(["variable", "ls", "--json"], env);
    for (const output of [set, shown, listed, asJson]) expect(output.stdout + output.stderr).not.toContain("cli-clear-value-42");
    const running = await runningFlowRun("cli-secret-reader");
    expect(await client.readSecretVariable("cli-secret", running.id)).toBe("cli-clear-value-42");
  });
});
