/**
 * A server with an API key: the dashboard asks for the key once (on the first 401), keeps it in
 * sessionStorage only, sends it as a bearer token, and does not ask again after a reload.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/test-database.js";
import { ensureUiBuilt } from "./helpers/build-ui.js";
import { launchChromium } from "./helpers/chromium.js";

let database: TestDatabase;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  database = await createTestDatabase("sqlite");
  server = await startServer({ port: 0, databaseUrl: database.url, apiKey: "s3cret-key", runServices: false, log: () => undefined });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.dispose();
});

it("asks for the API key once and keeps it for the session only", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/work-pools`);
  const prompt = page.getByTestId("api-key-prompt");
  await prompt.waitFor();
  await prompt.getByLabel("API key").fill("s3cret-key");
  await prompt.getByRole("button", { name: "Continue" }).click();
  await page.getByTestId("worker-command").first().waitFor();
  expect(await page.getByTestId("api-key-prompt").count()).toBe(0);
  expect(await page.evaluate(() => sessionStorage.getItem("weir.apiKey"))).toBe("s3cret-key");
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain("s3cret-key");

  await page.reload();
  await page.getByTestId("worker-command").first().waitFor();
  expect(await page.getByTestId("api-key-prompt").count()).toBe(0);

  // A new session (new context) has no key and asks again.
  const other = await (await browser.newContext()).newPage();
  await other.goto(`${server.url}/variables`);
  await other.getByTestId("api-key-prompt").waitFor();
  await other.context().close();
  await context.close();
});
