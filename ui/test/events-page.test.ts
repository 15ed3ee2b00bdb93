/**
 * The events page in real Chromium against a real server (SQLite): reached from the navigation,
 * it lists the stored events newest first, filters by event name (a prefix too) and tag through
 * the URL-kept filters, links a run's event to the run's page, picks up new events by itself,
 * and shows the API's refusal of a bad filter. Screenshots go to test-results/ui/.
 */
import { describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import { useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";

describe("events page in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();
  const eventNames = (): Promise<string[]> => browser.page.locator('[data-testid="event"]').evaluateAll((rows) => rows.map((row) => row.getAttribute("data-event") ?? ""));

  it("lists events newest first, filters them, follows a run link and picks up new events", async () => {
    const pool = await ui.client.createWorkPool({ name: "events-ui" });
    const run = await ui.client.createFlowRun({ flowName: "ui-events", tags: ["ui"] });
    await ui.client.setFlowRunState(run.id, { state: makeState("Running") });
    await ui.client.setFlowRunState(run.id, { state: makeState("Failed", { message: "disk full" }) });

    await browser.page.goto(`${ui.server.url}/`);
    await browser.page.getByRole("link", { name: "Events" }).click();
    await browser.page.getByTestId("events").waitFor();
    await expect.poll(eventNames).toEqual(["flow-run.Failed", "flow-run.Running", "flow-run.Pending", "work-pool.created"]);
    const failed = browser.page.locator('[data-testid="event"][data-event="flow-run.Failed"]');
    expect(await failed.textContent()).toContain("disk full");
    expect(await failed.textContent()).toContain("ui-events");
    await browser.shot("events-feed");

    const filters = browser.page.getByTestId("event-filters");
    await filters.getByLabel("Event").fill("flow-run.*");
    await filters.getByLabel("Event").press("Enter");
    await expect.poll(eventNames).toEqual(["flow-run.Failed", "flow-run.Running", "flow-run.Pending"]);
    expect(new URL(browser.page.url()).searchParams.get("event")).toBe("flow-run.*");
    await filters.getByLabel("Tag").fill("ui");
    await filters.getByLabel("Tag").press("Enter");
    await filters.getByLabel("Event").fill("flow-run.Failed");
    await filters.getByLabel("Event").press("Enter");
    await expect.poll(eventNames).toEqual(["flow-run.Failed"]);

    // New events appear without a reload.
    await filters.getByLabel("Event").fill("");
    await filters.getByLabel("Event").press("Enter");
    await ui.client.retryFlowRun(run.id).catch(() => undefined);
    await ui.client.setFlowRunState(run.id, { state: makeState("Cancelled") }).catch(() => undefined);
    const latest = (await ui.client.listEvents({ tags: ["ui"], limit: 1 })).events[0]!;
    await expect.poll(async () => (await eventNames())[0], { timeout: 15_000 }).toBe(latest.event);

    await browser.page.locator('[data-testid="event"]').first().getByRole("link", { name: run.name }).click();
    await browser.page.waitForURL(`**/runs/${run.id}`);
    expect(pool.name).toBe("events-ui");
  });

  it("shows the API's refusal of a bad filter", async () => {
    await browser.page.goto(`${ui.server.url}/events?event=${encodeURIComponent("a*b")}`);
    await expect.poll(() => browser.page.getByRole("alert").first().textContent()).toMatch(/event/);
    await browser.shot("events-bad-filter");
  });
});
