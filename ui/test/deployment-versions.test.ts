/**
 * The Versions section of a deployment's page in real Chromium against a real server (SQLite):
 * it lists who changed what, shows the diff of a version from the previous one, and Roll back
 * applies version 1's settings again as version 3, by "dashboard", keeping a paused schedule
 * paused; a run's page shows the version it ran.
 */
import { describe, expect, it } from "vitest";
import type { FlowRun } from "../../src/core/models.js";
import { useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";

describe("deployment versions in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();

  it("lists versions, shows a diff, rolls back, and a run shows its version", async () => {
    const { client, server } = ui;
    const { page } = browser;
    const input = {
      name: "basic_greeting",
      flowName: "greeting",
      entrypoint: "examples/greeting/main.ts:greeting",
      parameters: { name: "Navin" },
      schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } }],
      entrypointHash: "c".repeat(64),
    };
    const deployment = await client.upsertDeployment(input, { author: "alice" });
    await client.upsertDeployment({ ...input, parameters: { name: "Sok" } }, { author: "bob" });
    await client.updateDeploymentSchedule(deployment.id, deployment.schedules[0]!.id, { isActive: false }, { author: "bob" });

    await page.goto(`${server.url}/deployments/${deployment.id}`);
    await page.getByRole("heading", { name: "greeting / basic_greeting" }).waitFor();
    const rows = page.getByTestId("deployment-version");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const latest = page.getByRole("listitem", { name: "Version 2" });
    expect(await latest.textContent()).toContain("current");
    expect(await latest.textContent()).toContain("by bob");
    expect(await latest.getByTestId("version-changed").textContent()).toBe("parameters");
    expect(await page.getByRole("listitem", { name: "Version 1" }).textContent()).toContain("by alice");

    await latest.getByRole("button", { name: "Diff" }).click();
    const diff = latest.getByTestId("version-diff");
    await diff.waitFor();
    expect(await diff.textContent()).toContain('- parameters.name: "Navin"');
    expect(await diff.textContent()).toContain('+ parameters.name: "Sok"');
    await browser.shot("deployment-versions-diff");

    const first = page.getByRole("listitem", { name: "Version 1" });
    await first.getByRole("button", { name: "Roll back" }).click();
    await first.getByRole("button", { name: "Roll back to v1" }).click();
    await page.getByRole("listitem", { name: "Version 3" }).waitFor();
    await page.waitForFunction(() => document.querySelector("[data-testid=deployment-version-number]")?.textContent === "v3");
    const rolled = page.getByRole("listitem", { name: "Version 3" });
    expect(await rolled.textContent()).toContain("by dashboard");
    expect(await rolled.textContent()).toContain("rollback to v1");
    const [newest] = (await client.listDeploymentVersions(deployment.id)).items;
    expect(newest).toMatchObject({ version: 3, author: "dashboard", rolledBackFrom: 1, changedFields: ["parameters"] });
    const after = await client.readDeployment(deployment.id);
    expect(after.parameters).toEqual({ name: "Navin" });
    expect(after.schedules.map((s) => s.isActive)).toEqual([false]);
    await browser.shot("deployment-versions-rolled-back");

    const run: FlowRun = await client.createDeploymentFlowRun(deployment.id);
    await page.goto(`${server.url}/runs/${run.id}`);
    await page.getByTestId("run-deployment-version").waitFor();
    expect(await page.getByTestId("run-deployment-version").textContent()).toBe("v3");
    expect(browser.errors).toEqual([]);
  });
});
