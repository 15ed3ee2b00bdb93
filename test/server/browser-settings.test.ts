/**
 * The settings of the browser guards: WEIR_ALLOWED_ORIGINS lets another site's pages call the
 * API (with CORS answers, preflight included), WEIR_ALLOWED_HOSTS adds names the server answers
 * to, and binding every interface picks a sensible list (any name only with an API key).
 */
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAllowedHost } from "../../src/server/host-guard.js";
import { compileStartServerOptions } from "../../src/server/start-server.js";
import { IN_PROCESS_URL, createServerTestApp, type ServerTestApp } from "./server-test-app.js";

let server: ServerTestApp;

beforeAll(async () => {
  server = await createServerTestApp({ allowedOrigins: ["https://App.Example/"], allowedHosts: ["weir.internal", "proxy.example:8443"] });
});
afterAll(async () => {
  await server?.close();
});

describe("an allowed origin", () => {
  it("may call the API and gets CORS answers; its preflight is answered", async () => {
    const preflight = await server.app.request(`${IN_PROCESS_URL}/api/variables/x`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "PUT", "access-control-request-headers": "content-type, authorization" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type");
    const put = await server.app.request(`${IN_PROCESS_URL}/api/variables/x`, {
      method: "PUT",
      headers: { origin: "https://app.example", "content-type": "application/json" },
      body: JSON.stringify({ value: 1 }),
    });
    expect(put.status).toBe(200);
    expect(put.headers.get("access-control-allow-origin")).toBe("https://app.example");
    // Errors carry the CORS header too, so the page can read why.
    const missing = await server.app.request(`${IN_PROCESS_URL}/api/variables/nope`, { headers: { origin: "https://app.example" } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe("https://app.example");
  });

  it("is exact: another scheme, port or subdomain is refused, and gets no CORS answer", async () => {
    for (const origin of ["http://app.example", "https://app.example:8443", "https://evil.app.example", "https://app.example.evil"]) {
      const preflight = await server.app.request(`${IN_PROCESS_URL}/api/variables/x`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "PUT" } });
      expect(preflight.status, origin).toBe(403);
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});

describe("allowed hosts", () => {
  it("are served besides the loopback names; an entry with a port matches that port only", async () => {
    const status = async (host: string) => (await server.app.request(`${IN_PROCESS_URL}/api/flows`, { headers: { host } })).status;
    expect(await status("weir.internal")).toBe(200);
    expect(await status("WEIR.internal:4200")).toBe(200);
    expect(await status("proxy.example:8443")).toBe(200);
    expect(await status("proxy.example")).toBe(421);
    expect(await status("weir.internal.evil")).toBe(421);
    expect(await status("")).toBe(421);
  });

  it("come from WEIR_ALLOWED_HOSTS, the bound address, and the machine's names when bound to every interface", () => {
    const compile = (host: string, env: NodeJS.ProcessEnv) => compileStartServerOptions({ host, databaseUrl: "sqlite:///tmp/x.db", isInsecure: true }, env).allowedHosts;
    expect(compile("127.0.0.1", {})).toEqual([]);
    expect(compile("127.0.0.1", { WEIR_ALLOWED_HOSTS: "weir.example.com, other.example:8080" })).toEqual(["weir.example.com", "other.example:8080"]);
    expect(compile("127.0.0.1", { WEIR_ALLOWED_HOSTS: "*" })).toBe("any");
    expect(compile("10.1.2.3", { WEIR_API_KEY: "k" })).toEqual(["10.1.2.3"]);
    expect(compile("fd00::5", { WEIR_API_KEY: "k" })).toEqual(["[fd00::5]"]);
    // Every interface with a key: the data is behind the key, the public name unknown here.
    expect(compile("0.0.0.0", { WEIR_API_KEY: "k" })).toBe("any");
    // Every interface without a key (--insecure): this machine's addresses, not any name.
    const open = compile("0.0.0.0", {});
    expect(open).not.toBe("any");
    const someAddress = Object.values(networkInterfaces()).flat().find((address) => address?.family === "IPv4")?.address;
    if (someAddress) expect(isAllowedHost(`${someAddress}:4200`, open)).toBe(true);
    expect(isAllowedHost("attacker.example:4200", open)).toBe(false);
    expect(compileStartServerOptions({ databaseUrl: "sqlite:///tmp/x.db" }, { WEIR_ALLOWED_ORIGINS: "https://a.example, http://localhost:3000" }).allowedOrigins).toEqual([
      "https://a.example",
      "http://localhost:3000",
    ]);
  });
});
