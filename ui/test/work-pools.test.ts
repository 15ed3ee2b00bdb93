/**
 * The work pools page in real Chromium against a real server (SQLite): a pool and a queue are
 * created through the forms (bad input refused in the browser with a message, a duplicate name
 * refused by the server with its message), a priority and limits are edited in place, and a queue
 * and a pool are deleted after a confirmation while the protected `default` ones keep the API's
 * refusal on screen. Every change is checked through the REST API. Screenshots go to test-results/ui/.
 */
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CONCURRENCY_LIMIT_RULE, parseWholeNumber, PRIORITY_RULE } from "../src/lib/parse-whole-number.js";
import { useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";

describe("parseWholeNumber", () => {
  const cases: [string, string, typeof PRIORITY_RULE, number | null, string | null][] = [
    ["a priority", " 3 ", PRIORITY_RULE, 3, null],
    ["an empty priority", "", PRIORITY_RULE, null, "Priority is required"],
    ["a zero priority", "0", PRIORITY_RULE, null, "Priority must be at least 1, got 0"],
    ["a fractional priority", "1.5", PRIORITY_RULE, null, "Priority must be a whole number, got '1.5'"],
    ["a priority in exponent form", "1e3", PRIORITY_RULE, null, "Priority must be a number, got '1e3'"],
    ["a word", "abc", PRIORITY_RULE, null, "Priority must be a number, got 'abc'"],
    ["a priority past the API's bound", "1000001", PRIORITY_RULE, null, "Priority must be at most 1000000, got 1000001"],
    ["an empty limit (none)", "  ", CONCURRENCY_LIMIT_RULE, null, null],
    ["a zero limit", "0", CONCURRENCY_LIMIT_RULE, 0, null],
    ["a negative limit", "-1", CONCURRENCY_LIMIT_RULE, null, "Concurrency limit must not be negative, got -1"],
    ["a limit past a safe integer", "99999999999999999999", CONCURRENCY_LIMIT_RULE, null, "Concurrency limit must be at most 9007199254740991, got 99999999999999999999"],
  ];
  it.each(cases)("reads %s", (_what, text, rule, value, error) => {
    expect(parseWholeNumber(text, rule)).toEqual({ value, error });
  });
});

describe("work pools page in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();

  const shot = (name: string): Promise<Buffer> => browser.shot(name);
  const poolCard = (name: string): Locator => browser.page.locator(`[data-testid="work-pool"][data-pool="${name}"]`);
  const queueRow = (pool: string, queue: string): Locator => poolCard(pool).locator(`[data-testid="work-queue"][data-queue="${queue}"]`);
  const queueNames = async (pool: string): Promise<string[]> => (await ui.client.listWorkQueues(pool)).map((q) => q.name).sort();

  it("creates a work pool from the form, refusing bad input in the browser and a duplicate name with the server's message", async () => {
    await browser.page.goto(`${ui.server.url}/work-pools`);
    await poolCard("default").waitFor();
    await browser.page.getByRole("button", { name: "Create work pool" }).click();
    const form = browser.page.getByTestId("work-pool-form");
    expect(await form.getByLabel("Type").inputValue()).toBe("process");

    await form.getByLabel("Concurrency limit").fill("-1");
    await form.getByRole("button", { name: "Create pool" }).click();
    expect(await form.getByTestId("field-error-name").textContent()).toBe("Name must not be empty");
    expect(await form.getByTestId("field-error-concurrencyLimit").textContent()).toBe("Concurrency limit must not be negative, got -1");
    await form.getByLabel("Name").fill("etl");
    await form.getByLabel("Concurrency limit").fill("2.5");
    await form.getByRole("button", { name: "Create pool" }).click();
    expect(await form.getByTestId("field-error-concurrencyLimit").textContent()).toBe("Concurrency limit must be a whole number, got '2.5'");
    expect(await form.getByTestId("field-error-name").count()).toBe(0);
    await shot("work-pools-create-errors");
    expect((await ui.client.listWorkPools()).map((p) => p.name)).toEqual(["default"]);

    await form.getByLabel("Description").fill("Nightly loads");
    await form.getByLabel("Concurrency limit").fill("4");
    await form.getByRole("button", { name: "Create pool" }).click();
    await poolCard("etl").waitFor();
    expect(await browser.page.getByTestId("work-pool-form").count()).toBe(0);
    expect(await ui.client.readWorkPool("etl")).toMatchObject({ name: "etl", type: "process", description: "Nightly loads", concurrencyLimit: 4, isPaused: false });
    expect(await queueNames("etl")).toEqual(["default"]);
    expect(await poolCard("etl").getByTestId("worker-command").textContent()).toBe("weir worker start --pool etl");

    await browser.page.getByRole("button", { name: "Create work pool" }).click();
    await browser.page.getByTestId("work-pool-form").getByLabel("Name").fill("etl");
    await browser.page.getByTestId("work-pool-form").getByRole("button", { name: "Create pool" }).click();
    await expect.poll(() => browser.page.getByTestId("work-pool-form").getByRole("alert").textContent()).toBe("CONFLICT: work pool 'etl' already exists");
    await shot("work-pools-duplicate");
    await browser.page.getByTestId("work-pool-form").getByRole("button", { name: "Cancel" }).click();
    expect((await ui.client.listWorkPools()).map((p) => p.name)).toEqual(["default", "etl"]);
  });

  it("adds a queue to a pool and edits its priority, its limit and the pool's limit in place", async () => {
    const card = poolCard("etl");
    await card.getByRole("button", { name: "Add queue to pool etl" }).click();
    const form = card.getByTestId("work-queue-form");
    // The priority offered is the next after the pool's last queue (default has 1).
    expect(await form.getByLabel("Priority").inputValue()).toBe("2");
    await form.getByLabel("Priority").fill("0");
    await form.getByRole("button", { name: "Create queue" }).click();
    expect(await form.getByTestId("field-error-name").textContent()).toBe("Name must not be empty");
    expect(await form.getByTestId("field-error-priority").textContent()).toBe("Priority must be at least 1, got 0");
    await form.getByLabel("Queue name").fill("fast");
    await form.getByLabel("Priority").fill("3");
    await form.getByLabel("Concurrency limit").fill("2");
    await form.getByRole("button", { name: "Create queue" }).click();
    await queueRow("etl", "fast").waitFor();
    expect(await ui.client.readWorkQueue("etl", "fast")).toMatchObject({ name: "fast", workPoolName: "etl", priority: 3, concurrencyLimit: 2 });
    expect(await card.locator("[data-testid=work-queue]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-queue")))).toEqual(["default", "fast"]);

    await card.getByRole("button", { name: "Add queue to pool etl" }).click();
    await card.getByTestId("work-queue-form").getByLabel("Queue name").fill("fast");
    await card.getByTestId("work-queue-form").getByRole("button", { name: "Create queue" }).click();
    await expect.poll(() => card.getByTestId("work-queue-form").getByRole("alert").textContent()).toBe("CONFLICT: work queue 'etl/fast' already exists");
    await card.getByTestId("work-queue-form").getByRole("button", { name: "Cancel" }).click();

    const row = queueRow("etl", "fast");
    await row.getByRole("button", { name: "Edit priority of queue fast" }).click();
    await row.getByLabel("priority of queue fast", { exact: true }).fill("1.5");
    await row.getByRole("button", { name: "Save priority of queue fast" }).click();
    expect(await row.getByTestId("inline-error").textContent()).toBe("Priority must be a whole number, got '1.5'");
    await shot("work-pools-inline-error");
    await row.getByLabel("priority of queue fast", { exact: true }).fill("1");
    await row.getByLabel("priority of queue fast", { exact: true }).press("Enter");
    await expect.poll(async () => (await ui.client.readWorkQueue("etl", "fast")).priority).toBe(1);
    await expect.poll(() => row.getByRole("button", { name: "Edit priority of queue fast" }).count()).toBe(1);

    await row.getByRole("button", { name: "Edit concurrency limit of queue fast" }).click();
    expect(await row.getByLabel("concurrency limit of queue fast", { exact: true }).inputValue()).toBe("2");
    await row.getByLabel("concurrency limit of queue fast", { exact: true }).fill("");
    await row.getByRole("button", { name: "Save concurrency limit of queue fast" }).click();
    await expect.poll(async () => (await ui.client.readWorkQueue("etl", "fast")).concurrencyLimit).toBeNull();

    await card.getByRole("button", { name: "Edit concurrency limit of pool etl" }).click();
    await card.getByLabel("concurrency limit of pool etl", { exact: true }).fill("10");
    await card.getByRole("button", { name: "Save concurrency limit of pool etl" }).click();
    await expect.poll(async () => (await ui.client.readWorkPool("etl")).concurrencyLimit).toBe(10);
    await expect.poll(() => card.getByRole("button", { name: "Edit concurrency limit of pool etl" }).count()).toBe(1);
    expect(await row.getByTestId("inline-value").allTextContents()).toEqual(["1", "none"]);

    await card.getByRole("button", { name: "Add queue to pool etl" }).click();
    await card.getByTestId("work-queue-form").getByLabel("Queue name").fill("bulk");
    await card.getByTestId("work-queue-form").getByLabel("Priority").fill("5");
    await shot("work-pools-add-queue");
    await browser.page.emulateMedia({ colorScheme: "dark" });
    await shot("work-pools-add-queue-dark");
    await browser.page.emulateMedia({ colorScheme: "light" });
    await card.getByTestId("work-queue-form").getByRole("button", { name: "Create queue" }).click();
    await queueRow("etl", "bulk").waitFor();
    expect(await queueNames("etl")).toEqual(["bulk", "default", "fast"]);
  });

  it("deletes a queue and a pool after a confirmation, and shows the API's refusal for the protected default ones", async () => {
    const card = poolCard("etl");
    await card.getByRole("button", { name: "Delete queue fast" }).click();
    await card.getByRole("group", { name: "Confirm deleting queue fast" }).getByRole("button", { name: "Keep" }).click();
    expect(await queueNames("etl")).toEqual(["bulk", "default", "fast"]);

    await card.getByRole("button", { name: "Delete queue fast" }).click();
    await shot("work-pools-confirm-delete");
    await card.getByRole("button", { name: "Yes, delete queue fast" }).click();
    await expect.poll(() => queueRow("etl", "fast").count()).toBe(0);
    expect(await queueNames("etl")).toEqual(["bulk", "default"]);
    await expect(ui.client.readWorkQueue("etl", "fast")).rejects.toMatchObject({ code: "NOT_FOUND" });

    await card.getByRole("button", { name: "Delete queue default" }).click();
    await card.getByRole("button", { name: "Yes, delete queue default" }).click();
    await expect.poll(() => card.getByRole("alert").textContent()).toBe("CONFLICT: the default queue of work pool 'etl' cannot be deleted");
    expect(await queueNames("etl")).toEqual(["bulk", "default"]);

    const defaultCard = poolCard("default");
    await defaultCard.getByRole("button", { name: "Delete pool default" }).click();
    await defaultCard.getByRole("button", { name: "Yes, delete pool default" }).click();
    await expect.poll(() => defaultCard.getByRole("alert").textContent()).toBe("CONFLICT: the default work pool cannot be deleted");
    await shot("work-pools-protected");

    await card.getByRole("button", { name: "Delete pool etl" }).click();
    await card.getByRole("button", { name: "Yes, delete pool etl" }).click();
    await expect.poll(() => poolCard("etl").count()).toBe(0);
    expect((await ui.client.listWorkPools()).map((p) => p.name)).toEqual(["default"]);
    await expect(ui.client.listWorkQueues("etl")).rejects.toMatchObject({ code: "NOT_FOUND" });

    // The refused requests above (409) are logged by Chromium as failed resources; nothing else may be.
    expect(browser.errors.filter((line) => !/Failed to load resource: the server responded with a status of 409/.test(line))).toEqual([]);
  });
});
