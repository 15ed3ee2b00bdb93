/**
 * Characters a database cannot keep (U+0000 everywhere on PostgreSQL, lone surrogates in its
 * jsonb) are stored as U+FFFD on both engines, so the same input gives the same outcome on both
 * and never costs a write: log lines and their batch, failed and completed runs, names, tags,
 * parameters, variables and artifacts. A malformed log line costs only itself.
 */
import { describe, expect, it } from "vitest";
import type { LogInput } from "../../src/core/api-types.js";
import { DROPPED_LOG_NAME } from "../../src/orchestration/log-service.js";
import { flow, getRunContext, getRunLogger, task } from "../../src/index.js";
import { flushAll } from "../../src/sdk/client-provider.js";
import { useSdkTestClient } from "../helpers/test-orchestration.js";

const { client } = useSdkTestClient();
const NUL = "\u0000";
const LONE = "\ud800";
const FFFD = "\ufffd";

async function newRun(name = "bytes"): Promise<string> {
  return (await client.createFlowRun({ flowName: name })).id;
}

describe("characters a database cannot keep", () => {
  it("stores all 100 lines of a batch with NUL and lone surrogates in messages and names, as U+FFFD", async () => {
    const flowRunId = await newRun();
    const timestamp = new Date().toISOString();
    const logs: LogInput[] = Array.from({ length: 100 }, (_, index) => ({ flowRunId, level: "INFO", name: "weir.test", message: `line ${index}`, timestamp }));
    logs[10] = { ...logs[10]!, message: `nul${NUL}here${NUL}` };
    logs[20] = { ...logs[20]!, message: `lone ${LONE} and ${"\udfff"} pair 😀` };
    logs[30] = { ...logs[30]!, name: `name${NUL}` };
    logs[40] = { ...logs[40]!, message: "the text \\u0000 stays as typed" };
    await client.appendLogs(logs);
    const stored = await client.readLogs({ flowRunId, limit: 1000 });
    expect(stored).toHaveLength(100);
    expect(stored[10]!.message).toBe(`nul${FFFD}here${FFFD}`);
    expect(stored[20]!.message).toBe(`lone ${FFFD} and ${FFFD} pair 😀`);
    expect(stored[30]!.name).toBe(`name${FFFD}`);
    expect(stored[40]!.message).toBe("the text \\u0000 stays as typed");
    expect(stored.filter((_, index) => ![10, 20, 30, 40].includes(index)).map((log) => log.message)).toEqual(
      Array.from({ length: 100 }, (_, index) => `line ${index}`).filter((_, index) => ![10, 20, 30, 40].includes(index)),
    );
  });

  it("drops only a malformed line of a batch, and says so in a WARNING line in its place", async () => {
    const flowRunId = await newRun();
    const timestamp = new Date().toISOString();
    const logs: LogInput[] = Array.from({ length: 100 }, (_, index) => ({ flowRunId, level: "INFO", name: "weir.test", message: `line ${index}`, timestamp }));
    logs[50] = { ...logs[50]!, name: "n".repeat(600) };
    await client.appendLogs(logs);
    const stored = await client.readLogs({ flowRunId, limit: 1000 });
    expect(stored).toHaveLength(100);
    expect(stored[50]).toMatchObject({ level: "WARNING", name: DROPPED_LOG_NAME, message: expect.stringMatching(/^log line 51 of 100 in its batch was dropped \(.*logs\.50\.name: must be at most 500 characters/) });
    expect(stored.filter((_, index) => index !== 50).map((log) => log.message)).toEqual(Array.from({ length: 100 }, (_, index) => `line ${index}`).filter((_, index) => index !== 50));
  });

  it("ends a flow whose error message holds a NUL Failed, and one whose result holds NULs and lone surrogates Completed", async () => {
    let failedId = "";
    const failing = flow("nul-error", async () => {
      failedId = getRunContext().flowRunId!;
      throw new Error(`bad${NUL}byte ${LONE}`);
    });
    await expect(failing()).rejects.toThrow(/bad/);
    const failed = await client.readFlowRun(failedId);
    expect(failed.stateName).toBe("Failed");
    expect(failed.state.message).toBe(`bad${FFFD}byte ${FFFD}`);
    expect(failed.state.error?.message).toBe(`bad${FFFD}byte ${FFFD}`);

    let completedId = "";
    const returning = flow("nul-result", async () => {
      completedId = getRunContext().flowRunId!;
      return { [`key${NUL}`]: `value${NUL}`, lone: LONE, list: [NUL, "\\u0000"] };
    });
    await returning();
    const completed = await client.readFlowRun(completedId);
    expect(completed.stateName).toBe("Completed");
    expect(completed.state.result).toEqual({ kind: "inline", value: { [`key${FFFD}`]: `value${FFFD}`, lone: FFFD, list: [FFFD, "\\u0000"] } });
  });

  it("ends a task whose error holds a NUL Failed, and stores the run's printed lines with NULs", async () => {
    let flowRunId = "";
    const failing = task("nul-task", async () => {
      throw new Error(`task${NUL}failed`);
    });
    const f = flow({ name: "nul-task-flow", retries: 0 }, async () => {
      flowRunId = getRunContext().flowRunId!;
      getRunLogger().info(`printed${NUL}line`);
      await failing();
    });
    await expect(f()).rejects.toThrow(/task/);
    await flushAll();
    expect((await client.readFlowRun(flowRunId)).stateName).toBe("Failed");
    const [taskRun] = (await client.listTaskRuns({ flowRunId })).items;
    expect(taskRun).toMatchObject({ stateName: "Failed", state: { message: `task${FFFD}failed` } });
    expect((await client.readLogs({ flowRunId })).map((log) => log.message)).toContain(`printed${FFFD}line`);
  });

  it("stores names, tags and parameters with NULs as U+FFFD, and finds them by the name as given", async () => {
    const run = await client.createFlowRun({ flowName: `flow${NUL}name`, name: `run${NUL}`, tags: [`tag${NUL}`], parameters: { [`p${NUL}`]: [`v${NUL}`, LONE] } });
    expect(run).toMatchObject({ flowName: `flow${FFFD}name`, name: `run${FFFD}`, tags: [`tag${FFFD}`], parameters: { [`p${FFFD}`]: [`v${FFFD}`, FFFD] } });
    expect((await client.readFlow(`flow${NUL}name`)).name).toBe(`flow${FFFD}name`);
    const tagged = await client.listFlowRuns({ tags: [`tag${NUL}`] });
    expect(tagged.items.map((item) => item.id)).toEqual([run.id]);
  });

  it("stores variables and artifacts with NULs and lone surrogates as U+FFFD", async () => {
    await expect(client.setVariable(`var${NUL}`, 1)).rejects.toMatchObject({ code: "VALIDATION" });
    const variable = await client.setVariable("var_bytes", { text: `a${NUL}b`, [LONE]: 1 }, [`t${NUL}`]);
    expect(variable).toMatchObject({ name: "var_bytes", value: { text: `a${FFFD}b`, [FFFD]: 1 }, tags: [`t${FFFD}`] });
    expect((await client.getVariable("var_bytes"))?.value).toEqual({ text: `a${FFFD}b`, [FFFD]: 1 });
    const flowRunId = await newRun();
    const artifact = await client.createArtifact({ key: `key-${crypto.randomUUID()}`, type: "markdown", description: `d${NUL}`, data: `# t${NUL}${LONE}`, flowRunId });
    expect(artifact).toMatchObject({ description: `d${FFFD}`, data: `# t${FFFD}${FFFD}` });
    expect((await client.readArtifact(artifact.id)).data).toBe(`# t${FFFD}${FFFD}`);
  });
});
