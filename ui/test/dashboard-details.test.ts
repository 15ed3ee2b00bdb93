/**
 * Details a newcomer reads on the dashboard, in real Chromium against a real server with its
 * background services: the home chart has axes and shows each group's count under the cursor;
 * a deployment's "Last polled" is its queue's last poll (never, then after a worker's claim);
 * upcoming scheduled runs show their time in the schedule's own zone too; times name their zone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { Deployment } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/test-database.js";
import { GREETER_SCHEMA } from "./fixtures/dashboard-flows.js";
import { ensureUiBuilt, REPO_ROOT } from "./helpers/build-ui.js";
import { useBrowserPage } from "./helpers/use-browser-page.js";

let database: TestDatabase;
let server: RunningServer;
let client: HttpClient;
let deployment: Deployment;

const chromium = useBrowserPage();

beforeAll(async () => {
  ensureUiBuilt();
  database = await createTestDatabase("sqlite");
  server = await startServer({ port: 0, databaseUrl: database.url, log: () => undefined, servicesOptions: { onError: () => undefined } });
  client = new HttpClient({ apiUrl: server.url });
  deployment = await client.upsertDeployment({
    name: "phnom-penh-morning",
    flowName: "greeter",
    entrypoint: "ui/test/fixtures/dashboard-flows.ts:greeter",
    path: REPO_ROOT,
    parameters: { name: "World", times: 1 },
    parameterSchema: GREETER_SCHEMA,
    schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } }],
  });
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  await database?.dispose();
});

describe("dashboard details in Chromium", () => {
  it("draws the home chart with axes and shows each group's count under the cursor", async () => {
    await client.upsertFlow({ name: "charted" });
    for (const final of ["Completed", "Completed", "Completed", "Failed"] as const) {
      const run = await client.createFlowRun({ flowName: "charted", state: makeState("Running") });
      await client.setFlowRunState(run.id, { state: makeState(final) });
    }
    await chromium.page.goto(server.url + "/");
    const chart = chromium.page.getByTestId("runs-chart");
    await chart.locator("canvas").first().waitFor({ timeout: 15_000 });
    expect(await chart.locator(".u-axis").count()).toBe(2);
    const box = await chart.locator(".u-over").boundingBox();
    expect(box).not.toBeNull();
    // The newest bucket is the right-most bar: hover it and read the legend.
    await chromium.page.mouse.move((box?.x ?? 0) + (box?.width ?? 0) - 8, (box?.y ?? 0) + (box?.height ?? 0) - 4);
    const legend = chart.locator(".u-legend");
    await expect.poll(async () => (await legend.textContent()) ?? "").toMatch(/Completed\s*3/);
    expect(await legend.textContent()).toMatch(/Failed \/ crashed\s*1/);
    await chromium.shot("home-chart");
    expect(chromium.errors).toEqual([]);
  });

  it("shows the queue's last poll as the deployment's, and upcoming runs in the schedule's zone", async () => {
    await chromium.page.goto(`${server.url}/deployments/${deployment.id}`);
    await expect.poll(() => chromium.page.getByTestId("last-polled").textContent()).toContain("never: no worker has polled queue default");
    await client.claimFlowRuns({ workPoolName: "default", workerId: crypto.randomUUID(), workerName: "ui-poller", limit: 1 });
    await chromium.page.reload();
    await expect.poll(() => chromium.page.getByTestId("last-polled").textContent()).toMatch(/ago \(queue default\)/);
    // The scheduler creates the next runs; each shows 08:00 in Asia/Phnom_Penh beside the browser's time.
    await expect
      .poll(async () => {
        await chromium.page.reload();
        return chromium.page.getByTestId("schedule-zone-time").count();
      }, { timeout: 30_000, interval: 1_000 })
      .toBeGreaterThan(0);
    for (const text of await chromium.page.getByTestId("schedule-zone-time").allTextContents()) {
      expect(text).toMatch(/08:00 GMT\+7 in Asia\/Phnom_Penh/);
    }
    const upcoming = (await chromium.page.getByTestId("upcoming-runs").textContent()) ?? "";
    expect(upcoming).toMatch(/(UTC|GMT)/);
    await chromium.shot("deployment-zones");
    expect(chromium.errors).toEqual([]);
  });
});
