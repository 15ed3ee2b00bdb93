/**
 * Secret variables in real Chromium against a real server (SQLite): the variables page shows a
 * secret as **** with a "secret" badge, never its value (not in the page, not in any answer the
 * page receives), lets you set a new value without showing the old one, and a script of the
 * dashboard's own origin cannot read the value in clear.
 */
import { afterAll, describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import { useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";

// Set before the server starts: it would otherwise make a key file in this process's WEIR_HOME.
const previousKey = process.env.WEIR_SECRET_KEY;
process.env.WEIR_SECRET_KEY = "ui-test-passphrase-0123456789";
afterAll(() => {
  if (previousKey === undefined) delete process.env.WEIR_SECRET_KEY;
  else process.env.WEIR_SECRET_KEY = previousKey;
});

const CLEAR = "ui-clear-secret-9f3a";
const NEW_CLEAR = "rotated-secret-71bc";
const TYPED_CLEAR = "typed-in-ui-secret-55";

describe("secret variables in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();

  it("shows **** with a secret badge, sets new values without showing them, and cannot read the value", async () => {
    const { client, server } = ui;
    const { page } = browser;
    await client.setVariable("warehouse-password", CLEAR, ["db"], { isSecret: true });
    await client.setVariable("region", "eu-west-1");
    const run = await client.createFlowRun({ flowName: "ui-secret-reader", state: makeState("Pending", { now: new Date() }) });
    await client.setFlowRunState(run.id, { state: makeState("Running", { now: new Date() }) });

    const answers: string[] = [];
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("response", (response) => {
      if (response.url().includes("/api/")) void response.text().then((text) => answers.push(text), () => undefined);
    });

    await page.goto(`${server.url}/variables`);
    const row = page.getByTestId("variables").getByRole("row").filter({ hasText: "warehouse-password" });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/\*\*\*\*\s*secret/);
    expect(await page.getByTestId("variables").getByRole("row").filter({ hasText: "region" }).textContent()).toContain('"eu-west-1"');
    await browser.shot("secret-variables");

    // Editing a secret starts from an empty password field and a checked "Secret".
    await page.getByRole("button", { name: "Edit variable warehouse-password" }).click();
    const valueField = page.getByLabel("Variable value");
    expect(await valueField.inputValue()).toBe("");
    expect(await valueField.getAttribute("type")).toBe("password");
    expect(await page.getByLabel("Secret").isChecked()).toBe(true);
    await valueField.fill(NEW_CLEAR);
    await page.getByRole("button", { name: "Set variable" }).click();
    await expect.poll(() => client.readSecretVariable("warehouse-password", run.id)).toBe(NEW_CLEAR);

    // A new secret typed into the form.
    await page.getByLabel("Variable name").fill("from-ui");
    await page.getByLabel("Secret").check();
    await page.getByLabel("Variable value").fill(TYPED_CLEAR);
    await page.getByRole("button", { name: "Set variable" }).click();
    const newRow = page.getByTestId("variables").getByRole("row").filter({ hasText: "from-ui" });
    await newRow.waitFor();
    expect(await newRow.textContent()).toMatch(/\*\*\*\*\s*secret/);
    expect(await client.getVariable("from-ui")).toMatchObject({ value: "****", isSecret: true });
    expect(await client.readSecretVariable("from-ui", run.id)).toBe(TYPED_CLEAR);

    // The dashboard's origin cannot read a value in clear: its scripts cannot send a Sec- header.
    const fromPage = await page.evaluate(async (runId) => {
      try {
        const response = await fetch("/api/variables/warehouse-password/value", { headers: { "sec-weir-run-id": runId } });
        return { status: response.status, text: await response.text() };
      } catch (error) {
        return { status: 0, text: String(error) };
      }
    }, run.id);
    expect(fromPage.status).toBe(403);

    const html = await page.content();
    for (const clear of [CLEAR, NEW_CLEAR, TYPED_CLEAR]) {
      expect(html).not.toContain(clear);
      expect(answers.join("\n")).not.toContain(clear);
    }
    expect(answers.length).toBeGreaterThan(0);
    expect(requested.filter((url) => url.endsWith("/value"))).toEqual([`${server.url}/api/variables/warehouse-password/value`]);
    expect(browser.errors.filter((line) => !line.includes("403"))).toEqual([]);
  });
});
