/**
 * The repository's weir.yaml: both example deployments point at flows that load, carry
 * parameters those flows accept, run daily at 08:00 Asia/Phnom_Penh, and apply through
 * `applyDeploymentFile` (what `weir deploy --all` calls) on the test database.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyDeploymentFile } from "../../src/sdk/deployment-file.js";
import { loadFlow } from "../../src/sdk/load-flow.js";
import { validateParameters } from "../../src/sdk/validate-parameters.js";
import { REPO_ROOT } from "../helpers/run-process.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

interface DeploymentEntry {
  name: string;
  entrypoint: string;
  parameters: Record<string, unknown>;
  workPool: { name: string; workQueue: string };
  schedules: { cron: string; timezone: string }[];
}

const file = parse(readFileSync(`${REPO_ROOT}weir.yaml`, "utf8")) as { deployments: DeploymentEntry[] };

describe("weir.yaml", () => {
  it("lists the pipeline and the greeting", () => {
    expect(file.deployments.map((deployment) => deployment.name)).toEqual(["daily", "basic_greeting"]);
  });

  it.each(file.deployments.map((deployment) => [deployment.name, deployment] as const))("%s loads and accepts its parameters", async (_name, deployment) => {
    const loaded = await loadFlow(deployment.entrypoint, REPO_ROOT);
    const parameters = await validateParameters(loaded.name, loaded.options.params, deployment.parameters);
    expect(parameters).toMatchObject(deployment.parameters);
    expect(deployment.schedules).toEqual([{ cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" }]);
  });

  it("puts the greeting on GreetingWorkQueue and the pipeline on the default queue", () => {
    const byName = Object.fromEntries(file.deployments.map((deployment) => [deployment.name, deployment]));
    expect(byName.basic_greeting?.workPool).toEqual({ name: "default", workQueue: "GreetingWorkQueue" });
    expect(byName.daily?.workPool).toEqual({ name: "default", workQueue: "default" });
    expect(byName.daily?.parameters).toEqual(expect.objectContaining({ source: "seattle-weather", testFraction: 0.2, seed: 42 }));
  });
});

describe("weir deploy --all with weir.yaml", () => {
  const { client } = useTestOrchestration();

  it("registers both deployments with their schedules, queues and parameter schemas", async () => {
    const applied = await applyDeploymentFile({ file: `${REPO_ROOT}weir.yaml`, client });
    expect(applied.map((deployment) => `${deployment.flowName}/${deployment.name}`).sort()).toEqual(["data-preprocessing/daily", "greeting/basic_greeting"]);
    const pipeline = await client.readDeploymentByName("data-preprocessing/daily");
    expect(pipeline).toMatchObject({ workPoolName: "default", workQueueName: "default", concurrencyLimit: 1 });
    expect(pipeline.schedules.map((schedule) => schedule.schedule)).toEqual([expect.objectContaining({ cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" })]);
    expect(pipeline.parameterSchema).toMatchObject({ properties: { testFraction: expect.objectContaining({ type: "number" }) } });
    const greetingDeployment = await client.readDeploymentByName("greeting/basic_greeting");
    expect(greetingDeployment).toMatchObject({ workQueueName: "GreetingWorkQueue", parameters: { name: "Navin" } });
  });
});
