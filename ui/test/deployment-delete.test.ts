/**
 * Deleting a deployment from its page in real Chromium against a real server (SQLite): the
 * button asks first (Keep leaves it), then the deployment is gone through the REST API, the page
 * goes back to the deployments list, and its run still waiting to be claimed ends Cancelled.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/test-database.js";
import { ensureUiBuilt, REPO_ROOT } from "./helpers/build-ui.js";
import { collectPageErrors, launchChromium } from "./helpers/chromium.js";

const SHOTS = join(REPO_ROOT, "test-results/ui");

describe("deleting a deployment in Chromium", () => {
  let database: TestDatabase;
  let server: RunningServer;
  let client: HttpClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureUiBuilt();
    mkdirSync(SHOTS, { recursive: true });
    database = await createTestDatabase("sqlite");
    server = await startServer({ port: 0, databaseUrl: database.url, runServices: false, log: () => undefined });
    client = new HttpClient({ apiUrl: server.url });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    errors = collectPageErrors(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await client?.close();
    await server?.close();
    await database?.dispose();
  });

  it("asks, keeps it on Keep, deletes it on confirmation and cancels its waiting run", async () => {
    const deployment = await client.upsertDeployment({
      name: "doomed",
      flowName: "greeting",
      entrypoint: "examples/greeting/main.ts:greeting",
      schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } }],
    });
    const waiting = await client.createDeploymentFlowRun(deployment.id);
    await page.goto(`${server.url}/deployments/${deployment.id}`);
    await page.getByRole("heading", { name: "greeting / doomed" }).waitFor();

    await page.getByRole("button", { name: "Delete deployment greeting/doomed" }).click();
    const question = page.getByRole("group", { name: "Confirm deleting deployment greeting/doomed" });
    expect(await question.textContent()).toContain("Delete deployment greeting/doomed? Its schedules go, runs waiting to be claimed end Cancelled, past runs stay.");
    await page.screenshot({ path: join(SHOTS, "deployment-delete-confirm.png"), fullPage: true });
    await question.getByRole("button", { name: "Keep" }).click();
    expect((await client.readDeployment(deployment.id)).name).toBe("doomed");

    await page.getByRole("button", { name: "Delete deployment greeting/doomed" }).click();
    await page.getByRole("button", { name: "Yes, delete deployment greeting/doomed" }).click();
    await page.waitForURL(`${server.url}/deployments`);
    await expect(client.readDeployment(deployment.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await client.readFlowRun(waiting.id)).stateName).toBe("Cancelled");
    expect(errors).toEqual([]);
  });
});
