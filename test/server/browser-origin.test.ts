/**
 * Browser-origin safety of a no-key loopback server over real HTTP (src/server/host-guard.ts,
 * origin-guard.ts, json-body-guard.ts): a web page of another site cannot create anything (403,
 * database unchanged), a rebound name (`Host: attacker.example`) reads nothing from the API or the
 * dashboard (421), bodies must be JSON (415); the dashboard's own pages, the CLI and the SDK's
 * HTTP client work as before.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { useTestServer } from "../helpers/test-server.js";
import { runCli, cliEnv } from "../cli/run-cli.js";
import { rawRequest } from "./raw-http.js";

const uiDir = mkdtempSync(join(tmpdir(), "weir-ui-"));
mkdirSync(join(uiDir, "assets"));
writeFileSync(join(uiDir, "index.html"), "<!doctype html><title>Weir dashboard</title>");
writeFileSync(join(uiDir, "assets", "app.js"), "console.log('dashboard');");
const { server, database } = useTestServer({ uiDir });
afterAll(() => rmSync(uiDir, { recursive: true, force: true }));

const ATTACK = JSON.stringify({
  name: "pwn",
  flowName: "pwn",
  entrypoint: "pwn.ts:pwn",
  jobVariables: { NODE_OPTIONS: "--import=data:text/javascript,console.log(1)" },
});

function hostOf(url: string): string {
  return new URL(url).host;
}

async function countRows(): Promise<{ flows: number; deployments: number; variables: number }> {
  const db = server.context.database.db;
  const count = async (table: "flows" | "deployments" | "variables") =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  return { flows: await count("flows"), deployments: await count("deployments"), variables: await count("variables") };
}

describe("a page of another site", () => {
  it("cannot create a deployment with a simple cross-site POST (text/plain, foreign Origin): 403, nothing stored", async () => {
    const before = await countRows();
    const attempts: Record<string, string>[] = [
      { "content-type": "text/plain", origin: "http://evil.example" },
      { "content-type": "application/json", origin: "http://evil.example" },
      { "content-type": "text/plain", origin: "null" },
      { "content-type": "text/plain", "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
      // Another page on this machine (another port) is another origin.
      { "content-type": "application/json", origin: "http://127.0.0.1:1" },
    ];
    for (const headers of attempts) {
      const answer = await rawRequest(`${server.url}/api/deployments`, { method: "POST", headers, body: ATTACK });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: "FORBIDDEN" } });
      expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    }
    const run = await rawRequest(`${server.url}/api/flow-runs`, { method: "POST", headers: { "content-type": "text/plain", origin: "http://evil.example" }, body: JSON.stringify({ flowName: "pwn" }) });
    expect(run.status).toBe(403);
    expect(await countRows()).toEqual(before);
  });

  it("cannot read either: a cross-site GET with an Origin is refused, a link to the dashboard is followed", async () => {
    const read = await rawRequest(`${server.url}/api/flows`, { headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" } });
    expect(read.status).toBe(403);
    const link = await rawRequest(`${server.url}/`, { headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" } });
    expect(link.status).toBe(200);
    expect(link.text).toContain("Weir dashboard");
  });
});

describe("a rebound host name (DNS rebinding)", () => {
  it("gets 421 and no data on every route: the API, health, the dashboard and its files", async () => {
    await new HttpClient({ apiUrl: server.url }).setVariable("secret", "hunter2");
    for (const path of ["/api/flows", "/api/variables/secret", "/api/health", "/api/openapi.json", "/", "/assets/app.js", "/runs/123"]) {
      for (const host of ["attacker.example", `attacker.example:${new URL(server.url).port}`, "127.0.0.1.nip.io"]) {
        const answer = await rawRequest(`${server.url}${path}`, { headers: { host } });
        expect(answer.status, `${host} ${path}`).toBe(421);
        expect(answer.text).not.toContain("hunter2");
        expect(answer.text).not.toContain("Weir dashboard");
        expect(JSON.parse(answer.text)).toMatchObject({ error: { code: "MISDIRECTED_REQUEST" } });
      }
    }
    const write = await rawRequest(`${server.url}/api/variables/other`, { method: "PUT", headers: { host: "attacker.example", "content-type": "application/json" }, body: JSON.stringify({ value: 1 }) });
    expect(write.status).toBe(421);
    expect((await countRows()).variables).toBe(1);
  });

  it("loopback names are served on any port (the dashboard's dev server proxies from another one)", async () => {
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "localhost:5173", "[::1]:4200", "LOCALHOST"]) {
      expect((await rawRequest(`${server.url}/api/flows`, { headers: { host } })).status, host).toBe(200);
    }
  });
});

describe("the dashboard's own pages", () => {
  it("call the API from their own origin: Origin names the Host the request went to", async () => {
    const port = new URL(server.url).port;
    for (const [host, origin] of [
      [hostOf(server.url), `http://${hostOf(server.url)}`],
      [`localhost:${port}`, `http://localhost:${port}`],
      // `npm run dev:ui`: Vite on 5173 proxies /api without changing Host.
      ["localhost:5173", "http://localhost:5173"],
    ] as const) {
      const headers = { host, origin, "content-type": "application/json", "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" };
      const put = await rawRequest(`${server.url}/api/variables/from-${host.replace(/\W/g, "-")}`, { method: "PUT", headers, body: JSON.stringify({ value: 1 }) });
      expect(put.status, `${origin} → ${host}: ${put.text}`).toBe(200);
      const page = await rawRequest(`${server.url}/`, { headers: { host } });
      expect(page.text).toContain("Weir dashboard");
    }
    // An action without options (cancel, retry) may come with no body and no content type.
    const cancel = await rawRequest(`${server.url}/api/flow-runs/${crypto.randomUUID()}/cancel`, { method: "POST", headers: { origin: `http://${hostOf(server.url)}` } });
    expect(cancel.status).toBe(404);
  });
});

describe("request bodies", () => {
  it("must be JSON: 415 for other types, even without an Origin; JSON with charset utf-8 passes", async () => {
    const before = await countRows();
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "text/json"]) {
      const answer = await rawRequest(`${server.url}/api/deployments`, { method: "POST", headers: { "content-type": contentType }, body: ATTACK });
      expect(answer.status, contentType).toBe(415);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: "UNSUPPORTED_MEDIA_TYPE" } });
    }
    const untyped = await rawRequest(`${server.url}/api/variables/untyped`, { method: "PUT", headers: {}, body: JSON.stringify({ value: 1 }) });
    expect(untyped.status).toBe(415);
    expect(await countRows()).toEqual(before);
    const typed = await rawRequest(`${server.url}/api/variables/typed`, { method: "PUT", headers: { "content-type": "application/json; charset=UTF-8" }, body: JSON.stringify({ value: 1 }) });
    expect(typed.status).toBe(200);
  });
});

describe("the CLI and the SDK's HTTP client", () => {
  it("work unchanged against the guarded server", async () => {
    const client = new HttpClient({ apiUrl: server.url });
    try {
      await client.upsertFlow({ name: "guarded" });
      const run = await client.createFlowRun({ flowName: "guarded", name: "guarded-run" });
      await client.setVariable("from-sdk", { nested: true });
      expect((await client.readFlowRun(run.id)).id).toBe(run.id);
    } finally {
      await client.close();
    }
    const env = cliEnv(database.url, database.dir, { WEIR_API_URL: server.url });
    const set = await runCli(["variable", "set", "from-cli", "42"], env);
    expect(set.code, set.stderr).toBe(0);
    const listed = await runCli(["flow-run", "ls", "--json"], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("guarded-run");
    const got = await runCli(["variable", "get", "from-sdk"], env);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain("nested");
  }, 60_000);
});
