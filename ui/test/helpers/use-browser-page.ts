/**
 * What the browser tests of one file share, set up before its tests and closed after them: a
 * page of headless Chromium with its console errors collected and screenshots saved to
 * test-results/ui/ (`useBrowserPage`), and a real server on a fresh SQLite database with an HTTP
 * client (`useUiServer`). Read the fields inside tests and hooks, once set up.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { HttpClient } from "../../../src/client/http-client.js";
import type { UpsertDeploymentInput } from "../../../src/client/orchestration-api.js";
import type { Deployment } from "../../../src/core/models.js";
import { startServer, type RunningServer } from "../../../src/server/start-server.js";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/test-database.js";
import { ensureUiBuilt, REPO_ROOT } from "./build-ui.js";
import { collectPageErrors, launchChromium } from "./chromium.js";

/** Where screenshots go. */
export const SHOTS_DIR = join(REPO_ROOT, "test-results/ui");

/** A Chromium page for a test file. */
export interface BrowserPage {
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far. */
  readonly errors: string[];
  /** Save a full-page screenshot as test-results/ui/NAME.png. */
  shot(name: string): Promise<Buffer>;
}

/** Open a Chromium page before the file's tests and close it after. */
export function useBrowserPage(viewport = { width: 1400, height: 900 }): BrowserPage {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  beforeAll(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    browser = await launchChromium();
    context = await browser.newContext({ viewport });
    page = await context.newPage();
    errors = collectPageErrors(page);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });
  const opened = (): Page => {
    if (!page) throw new Error("useBrowserPage: the page is opened in beforeAll; use it inside tests");
    return page;
  };
  return {
    get page() {
      return opened();
    },
    get errors() {
      return errors;
    },
    shot: (name) => opened().screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true }),
  };
}

/** A server with the built dashboard, on a fresh SQLite database, and a client of its API. */
export interface UiServer {
  readonly server: RunningServer;
  readonly client: HttpClient;
}

/** Start a server (no background services) before the file's tests and stop it after. */
export function useUiServer(): UiServer {
  let database: TestDatabase | undefined;
  let server: RunningServer | undefined;
  let client: HttpClient | undefined;
  beforeAll(async () => {
    ensureUiBuilt();
    database = await createTestDatabase("sqlite");
    server = await startServer({ port: 0, databaseUrl: database.url, runServices: false, log: () => undefined });
    client = new HttpClient({ apiUrl: server.url });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    await database?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useUiServer: the server starts in beforeAll; use it inside tests");
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get client() {
      return started(client);
    },
  };
}

/** Create a deployment of the greeting example (`input` adds to it) and open its page in `page`, once its heading shows. */
export async function openGreetingDeploymentPage(ui: UiServer, page: Page, input: { name: string } & Partial<UpsertDeploymentInput>): Promise<Deployment> {
  const deployment = await ui.client.upsertDeployment({ flowName: "greeting", entrypoint: "examples/greeting/main.ts:greeting", ...input });
  await page.goto(`${ui.server.url}/deployments/${deployment.id}`);
  await page.getByRole("heading", { name: `greeting / ${deployment.name}` }).waitFor();
  return deployment;
}
