/**
 * The repository's weir.yaml: both example deployments point at flows that load, carry
 * parameters those flows accept, and run daily at 08:00 Asia/Phnom_Penh.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadFlow } from "../../src/sdk/load-flow.js";
import { validateParameters } from "../../src/sdk/validate-parameters.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

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
