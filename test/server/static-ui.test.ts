/** The dashboard at `/`: files from the build folder, SPA fallback, no escape from it, a hint when unbuilt. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { serveStaticUi } from "../../src/server/static-ui.js";

const dir = mkdtempSync(join(tmpdir(), "weir-ui-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("static dashboard", () => {
  it("serves files, falls back to index.html, and never leaves the folder", async () => {
    const dist = join(dir, "dist");
    mkdirSync(join(dist, "assets"), { recursive: true });
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>Weir UI</title>");
    writeFileSync(join(dist, "assets", "app.js"), "console.log(1)");
    writeFileSync(join(dir, "secret.txt"), "secret");
    const app = new Hono();
    serveStaticUi(app, dist);
    const script = await app.request("http://x/assets/app.js");
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(await script.text()).toBe("console.log(1)");
    expect(await (await app.request("http://x/runs/123")).text()).toContain("Weir UI");
    expect(await (await app.request("http://x/")).text()).toContain("Weir UI");
    expect(await (await app.request("http://x/..%2Fsecret.txt")).text()).not.toContain("secret");
    expect((await app.request("http://x/%E0%A4%A")).status).toBe(200);
  });

  it("says how to build the dashboard when it is missing", async () => {
    const app = new Hono();
    serveStaticUi(app, join(dir, "missing"));
    const page = await (await app.request("http://x/")).text();
    expect(page).toContain("npm run build");
  });
});
