/**
 * The dashboard in real Chromium against a real server (SQLite) and a real worker: a Custom run
 * with a parameter reaches Completed on screen without a reload and shows its logs and task
 * timeline; a bad parameter shows a field error and creates no run; editing a schedule previews
 * the next three runs in the chosen zone; every main page renders without console errors and is
 * screenshotted into test-results/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deployment } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { HttpClient } from "../../src/client/http-client.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { startWorker, type RunningWorker } from "../../src/worker/start-worker.js";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/test-database.js";
import { GREETER_SCHEMA } from "./fixtures/dashboard-flows.js";
import { ensureUiBuilt, REPO_ROOT } from "./helpers/build-ui.js";
import { useBrowserPage } from "./helpers/use-browser-page.js";

let database: TestDatabase;
let server: RunningServer;
let client: HttpClient;
let worker: RunningWorker;
let deployment: Deployment;

const chromium = useBrowserPage();

beforeAll(async () => {
  ensureUiBuilt();
  database = await createTestDatabase("sqlite");
  server = await startServer({
    port: 0,
    databaseUrl: database.url,
    log: () => undefined,
    servicesOptions: { onError: () => undefined },
  });
  client = new HttpClient({ apiUrl: server.url });
  deployment = await client.upsertDeployment({
    name: "hello-ui",
    flowName: "greeter",
    entrypoint: "ui/test/fixtures/dashboard-flows.ts:greeter",
    path: REPO_ROOT,
    parameters: { name: "World", times: 1 },
    parameterSchema: GREETER_SCHEMA,
  });
  worker = await startWorker({
    client,
    workPoolName: "default",
    name: "ui-test-worker",
    pollIntervalMs: 500,
    heartbeatIntervalSeconds: 2,
    apiUrl: server.url,
    env: { WEIR_FROM_SOURCE: "1", NO_COLOR: "1" },
    echo: null,
  });
});

afterAll(async () => {
  await worker?.stop();
  await client?.close();
  await server?.close();
  await database?.dispose();
});

async function shot(name: string): Promise<void> {
  await chromium.shot(name);
}

describe("dashboard in Chromium", () => {
  it("rejects a bad parameter with a field error and creates no run", async () => {
    await chromium.page.goto(`${server.url}/deployments/${deployment.id}`);
    await chromium.page.getByRole("button", { name: "Custom run" }).click();
    const form = chromium.page.getByTestId("custom-run-form");
    await form.locator('input[name="name"]').fill("Ada");
    await form.locator('input[name="times"]').fill("9");
    await form.getByRole("button", { name: "Start run" }).click();
    await expect.poll(() => chromium.page.getByTestId("field-error-times").textContent()).toContain("≤ 5");
    await form.locator('input[name="name"]').fill("");
    await form.locator('input[name="times"]').fill("2");
    await form.getByRole("button", { name: "Start run" }).click();
    await expect.poll(() => chromium.page.getByTestId("field-error-name").textContent()).toContain("required");
    await shot("custom-run-errors");
    expect(await client.countFlowRuns({ deploymentIds: [deployment.id] })).toBe(0);
    expect(chromium.page.url()).toContain(`/deployments/${deployment.id}`);
  });

  it("runs a deployment from the Custom run form and shows it complete, with logs and timeline, without a reload", { timeout: 120_000 }, async () => {
    await chromium.page.goto(`${server.url}/deployments/${deployment.id}`);
    await chromium.page.getByRole("button", { name: "Custom run" }).click();
    const form = chromium.page.getByTestId("custom-run-form");
    await form.locator('input[name="name"]').fill("Ada");
    await form.locator('input[name="times"]').fill("3");
    // A marker on window proves the page was never reloaded while the run progressed.
    await chromium.page.evaluate(() => ((window as unknown as { weirMarker: number }).weirMarker = 42));
    await form.getByRole("button", { name: "Start run" }).click();
    await chromium.page.waitForURL(/\/runs\/[0-9a-f-]+$/);
    const runId = chromium.page.url().split("/runs/")[1] ?? "";
    const run = await client.readFlowRun(runId);
    expect(run.parameters).toEqual({ name: "Ada", times: 3 });
    await chromium.page.getByTestId("run-state").getByText("Completed", { exact: true }).waitFor({ timeout: 90_000 });
    await chromium.page.getByTestId("logs").getByText("Hello Ada #2", { exact: true }).waitFor({ timeout: 15_000 });
    await expect.poll(() => chromium.page.getByTestId("timeline-row").count(), { timeout: 15_000 }).toBe(3);
    await chromium.page.getByTestId("artifact").getByRole("heading", { name: "Report" }).waitFor({ timeout: 15_000 });
    expect(await chromium.page.evaluate(() => (window as unknown as { weirMarker?: number }).weirMarker)).toBe(42);
    expect(await chromium.page.getByTestId("run-parameters").textContent()).toContain('"Ada"');
    await shot("flow-run");
  });

  it("previews the next three runs of an edited schedule in the chosen time zone", async () => {
    await chromium.page.goto(`${server.url}/deployments/${deployment.id}`);
    await chromium.page.getByRole("button", { name: "Add schedule" }).click();
    const editor = chromium.page.getByTestId("schedule-editor");
    await editor.getByLabel("Schedule value").fill("0 9 * * *");
    await editor.getByLabel("Time zone").fill("Asia/Tokyo");
    await expect.poll(async () => (await editor.getByTestId("preview-time").allTextContents()).join("|")).toMatch(/09:00 GMT\+9/);
    expect(await editor.getByTestId("preview-time").count()).toBe(3);
    for (const text of await editor.getByTestId("preview-time").allTextContents()) expect(text).toMatch(/09:00 GMT\+9/);
    await editor.getByRole("button", { name: "Save schedule" }).click();
    await chromium.page.getByTestId("schedule").first().waitFor();
    expect((await client.readDeployment(deployment.id)).schedules[0]?.schedule).toEqual({ cron: "0 9 * * *", timezone: "Asia/Tokyo" });

    await chromium.page.getByTestId("schedule").first().getByRole("button", { name: "Edit" }).click();
    const edit = chromium.page.getByTestId("schedule-editor");
    await edit.getByLabel("Schedule value").fill("30 7 * * 1-5");
    await edit.getByLabel("Time zone").fill("Europe/Paris");
    await expect.poll(async () => (await edit.getByTestId("preview-time").allTextContents()).join("|")).toMatch(/07:30 (CET|CEST|GMT\+1|GMT\+2)/);
    const times = await edit.getByTestId("preview-time").allTextContents();
    expect(times).toHaveLength(3);
    for (const text of times) expect(text).toMatch(/^(Mon|Tue|Wed|Thu|Fri).*07:30 (CET|CEST|GMT\+1|GMT\+2)$/);
    await shot("deployment-schedule");
    await edit.getByRole("button", { name: "Save schedule" }).click();
    await expect.poll(async () => (await client.readDeployment(deployment.id)).schedules[0]?.schedule).toEqual({ cron: "30 7 * * 1-5", timezone: "Europe/Paris" });
  });

  it("renders every main page without console errors", async () => {
    await client.setVariable("region", { value: "eu-west-1", tags: [] });
    await client.createConcurrencyLimit({ tag: "database", limit: 2 });
    const pages: [string, string, string][] = [
      ["/", "home", "runs-chart"],
      ["/runs?state=COMPLETED", "flow-runs", "run-row"],
      ["/flows", "flows", "flows"],
      ["/deployments", "deployments", "deployments"],
      ["/work-pools", "work-pools", "worker-command"],
      ["/concurrency-limits", "concurrency-limits", "concurrency-limits"],
      ["/variables", "variables", "variables"],
      ["/artifacts", "artifacts", "artifacts"],
    ];
    for (const [path, name, testId] of pages) {
      await chromium.page.goto(server.url + path);
      await chromium.page.getByTestId(testId).first().waitFor({ timeout: 15_000 });
      await shot(name);
      if (name === "work-pools") expect(await chromium.page.getByTestId("worker-command").first().textContent()).toBe("weir worker start --pool default");
    }
    await chromium.page.goto(server.url + "/runs?state=COMPLETED");
    await chromium.page.getByTestId("run-row").first().waitFor();
    expect(await chromium.page.getByTestId("run-row").count()).toBe(1);
    expect(new URL(chromium.page.url()).searchParams.get("state")).toBe("COMPLETED");
    await chromium.page.getByTestId("theme-toggle").click();
    await chromium.page.getByTestId("theme-toggle").click();
    expect(await chromium.page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await shot("flow-runs-dark");
    expect(chromium.errors).toEqual([]);
  });

  it("retries selected runs in bulk from the runs list", { timeout: 120_000 }, async () => {
    const [done] = (await client.listFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["COMPLETED"] })).items;
    expect(done).toBeDefined();
    await chromium.page.goto(`${server.url}/runs?deployment=${deployment.id}&state=COMPLETED`);
    await chromium.page.getByRole("checkbox", { name: `select ${done?.name}` }).check();
    await chromium.page.getByRole("button", { name: "Retry selected" }).click();
    await expect.poll(async () => {
      const run = await client.readFlowRun(done?.id ?? "");
      return `${run.runCount}:${run.stateType}`;
    }, { timeout: 90_000, interval: 500 }).toBe("2:COMPLETED");
  });

  it("explains why a late run has not started", async () => {
    await client.createWorkPool({ name: "idle-pool" });
    const idle = await client.upsertDeployment({ name: "idle", flowName: "greeter", entrypoint: "ui/test/fixtures/dashboard-flows.ts:greeter", path: REPO_ROOT, workPoolName: "idle-pool", parameters: { name: "x", times: 1 }, parameterSchema: GREETER_SCHEMA });
    const run = await client.createDeploymentFlowRun(idle.id, { scheduledTime: new Date(Date.now() - 120_000).toISOString() });
    await chromium.page.goto(`${server.url}/runs/${run.id}`);
    await expect.poll(() => chromium.page.getByTestId("late-reason").textContent()).toContain("No worker is polling pool 'idle-pool'. Start one: weir worker start --pool idle-pool");
    await shot("late-run");
  });

  it("pages through many runs as the list scrolls", async () => {
    await client.upsertFlow({ name: "bulk" });
    const base = Date.now() - 3_600_000;
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const index = batch * 50 + i;
          return client.createFlowRun({ flowName: "bulk", name: `bulk-${String(index).padStart(3, "0")}`, state: makeState("Scheduled", { scheduledTime: new Date(base + index * 1000).toISOString() }) });
        }),
      );
    }
    await chromium.page.goto(`${server.url}/runs?flow=bulk`);
    await expect.poll(() => chromium.page.getByTestId("run-count").textContent()).toBe("250 runs");
    const list = chromium.page.getByTestId("run-list");
    expect(await chromium.page.getByTestId("run-row").count()).toBeLessThan(100);
    await expect.poll(async () => {
      await list.evaluate((element) => element.scrollTo(0, element.scrollHeight));
      return chromium.page.getByText("bulk-000", { exact: true }).count();
    }, { timeout: 15_000 }).toBe(1);
    expect(chromium.errors).toEqual([]);
  });

  it("keeps the task timeline usable with 10,000 task runs (rows virtualized)", { timeout: 120_000 }, async () => {
    await client.upsertFlow({ name: "wide" });
    const run = await client.createFlowRun({ flowName: "wide", name: "wide-run" });
    const start = Date.now() - 600_000;
    for (let batch = 0; batch < 10; batch++) {
      await client.writeTaskRuns(
        Array.from({ length: 1000 }, (_, i) => {
          const index = batch * 1000 + i;
          const at = (offset: number): string => new Date(start + index * 50 + offset).toISOString();
          return {
            id: crypto.randomUUID(),
            flowRunId: run.id,
            name: `step-${String(index).padStart(5, "0")}`,
            taskKey: "step",
            dynamicKey: String(index),
            states: [makeState("Running", { now: new Date(at(0)) }), makeState("Completed", { now: new Date(at(40)) })],
          };
        }),
      );
    }
    await chromium.page.goto(`${server.url}/runs/${run.id}`);
    // Task runs load a page (1,000) at a time, the next one as the timeline nears its end.
    await chromium.page.getByRole("heading", { name: "Task runs (1000+)" }).waitFor({ timeout: 30_000 });
    const rows = chromium.page.getByTestId("timeline-row");
    expect(await rows.count()).toBeLessThan(100);
    await chromium.page.getByText("step-00000", { exact: true }).waitFor();
    const timeline = chromium.page.locator(".timeline-rows");
    await expect.poll(async () => {
      await timeline.evaluate((element) => element.scrollTo(0, element.scrollHeight));
      return chromium.page.getByText("step-09999", { exact: true }).count();
    }, { timeout: 60_000 }).toBe(1);
    await chromium.page.getByRole("heading", { name: "Task runs (10000)" }).waitFor();
    await shot("timeline-10k");
    expect(chromium.errors).toEqual([]);
  });
});
