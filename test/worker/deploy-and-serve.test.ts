/**
 * The SDK side of deployments on a real database: `flow.deploy()` with an inferred entrypoint and
 * the flow's parameter schema and retry policy, weir.yaml parsing (errors name field and line)
 * and applying, and `flow.serve()` executing its runs in-process until aborted.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isTerminalStateType } from "../../src/core/states.js";
import { flow } from "../../src/index.js";
import { deployFlow } from "../../src/sdk/deploy.js";
import { applyDeploymentFile, parseDeploymentFile } from "../../src/sdk/deployment-file.js";
import { findFlowExport } from "../../src/sdk/entrypoint-inference.js";
import { serveFlow } from "../../src/sdk/serve.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { deploySelf } from "./fixtures/self-deploying.js";
import { quick, sleeper } from "./fixtures/worker-flows.js";
import { waitFor } from "./worker-test-kit.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const { client } = useTestOrchestration();

describe("flow.deploy()", () => {
  it("infers the entrypoint from the calling file and sends schema and retry policy", async () => {
    const deployment = await deploySelf(client, FIXTURES);
    expect(deployment.entrypoint).toBe("self-deploying.ts:selfDeployed");
    expect(deployment.path).toBe(FIXTURES);
    expect(deployment.retryPolicy?.retries).toBe(2);
    expect(deployment.schedules[0]?.schedule).toEqual({ interval: 600, timezone: "Europe/London" });
    const run = await client.createDeploymentFlowRun(deployment.id);
    expect(run.retryPolicy.retries).toBe(2);
  });

  it("infers from where the flow was defined, and asks for an entrypoint when it is not exported", async () => {
    const fromDefinition = await deployFlow(quick, { name: "elsewhere", path: FIXTURES, client });
    expect(fromDefinition.entrypoint).toBe("worker-flows.ts:quick");
    const inline = flow({ name: "inline-flow" }, async () => 1);
    await expect(deployFlow(inline, { name: "nowhere", client })).rejects.toThrow(/pass entrypoint/);
  });

  it("finds a flow export by its name in source text", () => {
    const source = 'export const a = flow("alpha", f);\nexport const b = flow({ name: "beta" }, g);\n';
    expect(findFlowExport(source, "beta")).toBe("b");
    expect(findFlowExport(source, "gamma")).toBeNull();
    expect(findFlowExport('export const only = flow({ name: `x` }, f);', "renamed")).toBe("only");
  });

  it("validates run parameters against the flow's schema (422 naming the field)", async () => {
    const deployment = await deployFlow(sleeper, { name: "napper", entrypoint: "worker-flows.ts:sleeper", path: FIXTURES, parameters: { seconds: 1 }, client });
    await expect(client.createDeploymentFlowRun(deployment.id, { parameters: { seconds: "long" } })).rejects.toMatchObject({
      code: "VALIDATION",
      details: { issues: [expect.objectContaining({ path: "parameters.seconds" })] },
    });
    await expect(client.createDeploymentFlowRun(deployment.id, { parameters: { seconds: -1 } })).rejects.toThrow(/parameters\.seconds/);
  });
});

describe("weir.yaml", () => {
  it("names the bad field and its line", () => {
    const text = "deployments:\n  - name: a\n    entrypoint: f.ts:a\n    schedules:\n      - cron: '0 8 * * *'\n        timezone: Mars/Base\n  - entrypoint: nope\n    colour: red\n";
    let message = "";
    try {
      parseDeploymentFile(text, "/tmp");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("deployments.0.schedules.0.timezone (line 6)");
    expect(message).toContain("deployments.1 (line 7): name is required");
    expect(message).toContain("deployments.1.entrypoint (line 7)");
    expect(message).toContain("deployments.1.colour (line 8): unknown deployment option 'colour'");
    expect(() => parseDeploymentFile("deployments: [\n", "/tmp")).toThrow(/line/);
    expect(() => parseDeploymentFile("other: 1\n", "/tmp")).toThrow(/deployments/);
  });

  it("applies all or named deployments, loading each flow", async () => {
    const file = `${FIXTURES}weir.yaml`;
    const named = await applyDeploymentFile({ file, names: ["fast"], client });
    expect(named.map((d) => `${d.flowName}/${d.name}`)).toEqual(["quick/fast"]);
    const all = await applyDeploymentFile({ file, client });
    const napping = all.find((d) => d.name === "napping");
    expect(napping).toMatchObject({ flowName: "sleeper", workQueueName: "naps", concurrencyLimit: 2, tags: ["fixture"], path: FIXTURES.replace(/\/$/, "") });
    expect(napping?.schedules.map((s) => s.isActive)).toEqual([true, false]);
    expect(napping?.schedules[0]?.parameters).toEqual({ seconds: 1 });
    expect(napping?.parameterSchema).toMatchObject({ type: "object" });
    await expect(applyDeploymentFile({ file, names: ["missing"], client })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("flow.serve()", () => {
  it("runs its deployment's runs in this process until aborted", { timeout: 60_000 }, async () => {
    const stop = new AbortController();
    let readyId = "";
    const serving = serveFlow(quick, { name: "served-quick", client, signal: stop.signal, pollIntervalMs: 10_000, onReady: (d) => (readyId = d.id) });
    await waitFor(async () => readyId !== "", 10_000, "the served deployment");
    const deployment = await client.readDeployment(readyId);
    expect(deployment.isServed).toBe(true);
    const runs = await Promise.all([1, 2, 3].map((index) => client.createDeploymentFlowRun(deployment.id, { parameters: { index } })));
    expect(runs.every((run) => run.workPoolName === null)).toBe(true);
    const done = await waitFor(async () => {
      const current = await Promise.all(runs.map((run) => client.readFlowRun(run.id)));
      return current.every((run) => isTerminalStateType(run.stateType)) ? current : null;
    }, 30_000, "served runs to finish");
    expect(done.map((run) => run.stateName)).toEqual(["Completed", "Completed", "Completed"]);
    stop.abort();
    await serving;
  });
});
