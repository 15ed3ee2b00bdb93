/**
 * The Backfill form on a deployment's page in real Chromium against a real server (SQLite): a
 * time without a zone is refused under its field with nothing sent; Preview (a dry run) lists the
 * greeting's two 01:00Z slots of [2026-11-01, 2026-11-03) and creates nothing; "Create 2 runs"
 * makes exactly those runs; the backfill's progress follows its runs' states; the same range
 * again previews "0 new" and offers nothing to create.
 */
import { describe, expect, it } from "vitest";
import type { FlowRun } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { openGreetingDeploymentPage, useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";

describe("backfilling a deployment in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();

  it("previews the slots, creates their runs once and shows the backfill's progress", async () => {
    const { client } = ui;
    const { page } = browser;
    const deployment = await openGreetingDeploymentPage(ui, page, {
      name: "basic_greeting",
      parameters: { name: "Navin" },
      workQueueName: "GreetingWorkQueue",
      schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } }],
    });
    const runsOf = async (): Promise<FlowRun[]> =>
      (await client.listFlowRuns({ deploymentIds: [deployment.id] }, { limit: 100 })).items.sort((a, b) => a.expectedStartTime.localeCompare(b.expectedStartTime));

    await page.getByRole("button", { name: "Backfill", exact: true }).click();
    const form = page.getByRole("form", { name: "Backfill" });
    await form.getByLabel("From").fill("2026-11-01T00:00");
    await form.getByLabel("To", { exact: true }).fill("2026-11-03T00:00:00Z");
    await form.getByRole("button", { name: "Preview" }).click();
    expect(await page.getByTestId("field-error-from").textContent()).toBe("From has no time zone: add Z (UTC) or an offset such as +07:00");
    expect(await runsOf()).toEqual([]);

    await form.getByLabel("From").fill("2026-11-01T00:00:00Z");
    await form.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("backfill-preview");
    await preview.waitFor();
    expect(await preview.getByTestId("backfill-slot").allTextContents()).toEqual(["2026-11-01T01:00:00.000Z new", "2026-11-02T01:00:00.000Z new"]);
    expect(await preview.textContent()).toContain("2 slots: 2 new, 0 already have runs");
    await browser.shot("backfill-preview");
    expect(await runsOf()).toEqual([]);

    await form.getByRole("button", { name: "Create 2 runs" }).click();
    expect(await page.getByTestId("backfill-created").textContent()).toBe("Backfill created 2 runs (0 slots already had one).");
    const runs = await runsOf();
    expect(runs.map((run) => run.expectedStartTime)).toEqual(["2026-11-01T01:00:00.000Z", "2026-11-02T01:00:00.000Z"]);
    const progress = page.getByTestId("backfill-progress");
    await page.waitForFunction(() => document.querySelector("[data-testid=backfill-progress]")?.textContent?.includes("2 scheduled"));
    expect(await progress.textContent()).toBe("2/2 runs: 0 completed, 0 failed, 0 running, 2 scheduled, 0 cancelled");

    // The runs move on; the list refreshes itself while runs are unfinished.
    const [first, second] = runs as [FlowRun, FlowRun];
    await client.setFlowRunState(first.id, { state: makeState("Running") });
    await client.setFlowRunState(first.id, { state: makeState("Completed") });
    await client.setFlowRunState(second.id, { state: makeState("Running") });
    await page.waitForFunction(() => document.querySelector("[data-testid=backfill-progress]")?.textContent?.includes("1 running"), undefined, { timeout: 15_000 });
    expect(await progress.textContent()).toBe("2/2 runs: 1 completed, 0 failed, 1 running, 0 scheduled, 0 cancelled");
    await client.setFlowRunState(second.id, { state: makeState("Failed") });
    await page.waitForFunction(() => document.querySelector("[data-testid=backfill-progress]")?.textContent?.includes("1 failed"), undefined, { timeout: 15_000 });
    await browser.shot("backfill-progress");

    // The same range again: nothing new to create.
    await page.getByRole("button", { name: "Backfill", exact: true }).click();
    await form.getByLabel("From").fill("2026-11-01T00:00:00Z");
    await form.getByLabel("To", { exact: true }).fill("2026-11-03T00:00:00Z");
    await form.getByRole("button", { name: "Preview" }).click();
    await preview.waitFor();
    expect(await preview.textContent()).toContain("2 slots: 0 new, 2 already have runs");
    expect(await form.getByRole("button", { name: "Nothing to create" }).isDisabled()).toBe(true);
    expect((await runsOf()).map((run) => run.id)).toEqual(runs.map((run) => run.id));
    expect(await page.getByTestId("backfill").count()).toBe(1);
    expect(browser.errors).toEqual([]);
  });
});
