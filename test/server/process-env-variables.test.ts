/**
 * Job variables that change how a run's process starts (src/server/process-env-guard.ts): a
 * server without an API key refuses them with 422 naming each one, and stores nothing; with a
 * key, or when its operator allows them (WEIR_ALLOW_PROCESS_ENV), they are accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessStartVariable } from "../../src/server/process-env-guard.js";
import { compileStartServerOptions } from "../../src/server/start-server.js";
import { createServerTestApp, type ServerTestApp } from "./server-test-app.js";

const KEY = "process-env-test-key";
let open: ServerTestApp;
let keyed: ServerTestApp;
let allowing: ServerTestApp;

beforeAll(async () => {
  [open, keyed, allowing] = await Promise.all([createServerTestApp(), createServerTestApp({ apiKey: KEY }), createServerTestApp({ allowsProcessEnv: true })]);
});
afterAll(async () => {
  await Promise.all([open?.close(), keyed?.close(), allowing?.close()]);
});

function deployment(jobVariables: Record<string, unknown>) {
  return { name: `d-${crypto.randomUUID().slice(0, 8)}`, flowName: "env-flow", entrypoint: "flows.ts:envFlow", jobVariables };
}

describe("job variables that change how a run's process starts", () => {
  it("are refused by a server without a key: 422 naming each variable, nothing stored", async () => {
    const variables: [string, string][] = [
      ["NODE_OPTIONS", "--import=data:text/javascript,process.exit(7)"],
      ["node_options", "--require=/tmp/x.js"],
      ["NODE_PATH", "/tmp"],
      ["LD_PRELOAD", "/tmp/evil.so"],
      ["LD_LIBRARY_PATH", "/tmp"],
      ["DYLD_INSERT_LIBRARIES", "/tmp/evil.dylib"],
      ["OPENSSL_CONF", "/tmp/evil.cnf"],
      ["UV_THREADPOOL_SIZE", "64"],
    ];
    for (const [name, value] of variables) {
      const error = await open.client.upsertDeployment(deployment({ MODE: "nightly", [name]: value })).then(
        () => null,
        (refusal: unknown) => refusal,
      );
      expect(error, name).toMatchObject({ code: "VALIDATION", details: { issues: [{ path: `jobVariables.${name}` }] } });
      expect((error as Error).message).toContain("WEIR_ALLOW_PROCESS_ENV");
    }
    expect((await open.client.listDeployments()).items).toEqual([]);
  });

  it("are accepted with an API key, or when the server allows them", async () => {
    for (const server of [keyed, allowing]) {
      const stored = await server.client.upsertDeployment(deployment({ NODE_OPTIONS: "--max-old-space-size=256", LD_PRELOAD: "/usr/lib/libjemalloc.so" }));
      expect(stored.jobVariables).toEqual({ NODE_OPTIONS: "--max-old-space-size=256", LD_PRELOAD: "/usr/lib/libjemalloc.so" });
    }
  });

  it("leave other variables alone", async () => {
    const stored = await open.client.upsertDeployment(deployment({ MODE: "nightly", WEIR_TEST: "1", NODENAME: "x", PATH_EXTRA: "/opt", env: { nested: 1 } }));
    expect(Object.keys(stored.jobVariables).sort()).toEqual(["MODE", "NODENAME", "PATH_EXTRA", "WEIR_TEST", "env"]);
    expect(["NODE_EXTRA_CA_CERTS", "NODE_TLS_REJECT_UNAUTHORIZED", "ld_audit", "GCONV_PATH", "ESBUILD_BINARY_PATH"].every(isProcessStartVariable)).toBe(true);
    expect(["NODENAME", "MODE", "PATH", "HOME"].some(isProcessStartVariable)).toBe(false);
  });
});

describe("the setting", () => {
  it("is WEIR_ALLOW_PROCESS_ENV, else true only with an API key; an option wins", () => {
    const base = { databaseUrl: "sqlite:///tmp/x.db" };
    expect(compileStartServerOptions(base, {}).allowsProcessEnv).toBe(false);
    expect(compileStartServerOptions(base, { WEIR_API_KEY: "k" }).allowsProcessEnv).toBe(true);
    expect(compileStartServerOptions(base, { WEIR_ALLOW_PROCESS_ENV: "1" }).allowsProcessEnv).toBe(true);
    expect(compileStartServerOptions(base, { WEIR_ALLOW_PROCESS_ENV: "0", WEIR_API_KEY: "k" }).allowsProcessEnv).toBe(false);
    expect(compileStartServerOptions({ ...base, allowsProcessEnv: true }, { WEIR_ALLOW_PROCESS_ENV: "0" }).allowsProcessEnv).toBe(true);
    expect(() => compileStartServerOptions(base, { WEIR_ALLOW_PROCESS_ENV: "maybe" })).toThrow(/WEIR_ALLOW_PROCESS_ENV/);
  });
});
