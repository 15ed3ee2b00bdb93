/** Client settings (env over $WEIR_HOME/config.json over defaults) and `connect()`'s choice of client. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect } from "../../src/client/connect.js";
import { HttpClient } from "../../src/client/http-client.js";
import { InProcessClient } from "../../src/client/in-process-client.js";
import { configFilePath, readConfigFile, resolveSettings, setConfigValue, unsetConfigValue } from "../../src/client/settings.js";
import { isWeirError } from "../../src/core/weir-error.js";

describe("settings", () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "weir-settings-"));
    env = { WEIR_HOME: home };
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("defaults to embedded SQLite under WEIR_HOME", () => {
    const settings = resolveSettings(env);
    expect(settings).toMatchObject({ home, apiUrl: null, apiKey: null, databaseUrl: `sqlite://${join(home, "weir.db")}` });
    expect(settings.sources).toEqual({ apiUrl: "default", apiKey: "default", databaseUrl: "default" });
  });

  it("reads the config file, and the environment wins over it", () => {
    setConfigValue("apiUrl", "http://file:4200", env);
    setConfigValue("apiKey", "file-key", env);
    expect(resolveSettings(env)).toMatchObject({ apiUrl: "http://file:4200", apiKey: "file-key" });
    const fromEnv = resolveSettings({ ...env, WEIR_API_URL: "http://env:4200" });
    expect(fromEnv.apiUrl).toBe("http://env:4200");
    expect(fromEnv.sources).toMatchObject({ apiUrl: "env", apiKey: "file" });
    expect(statSync(configFilePath(env)).mode & 0o777).toBe(0o600);
    unsetConfigValue("apiKey", env);
    expect(readConfigFile(env)).toEqual({ apiUrl: "http://file:4200" });
  });

  it("refuses unknown keys and a malformed file with clear errors", () => {
    expect(() => setConfigValue("apiURL", "x", env)).toThrow(/unknown key 'apiURL'/);
    writeFileSync(configFilePath(env), "{ not json");
    let caught: unknown;
    try {
      resolveSettings(env);
    } catch (error) {
      caught = error;
    }
    expect(isWeirError(caught) && caught.message).toMatch(/config\.json is not valid JSON/);
    expect(readFileSync(configFilePath(env), "utf8")).toBe("{ not json");
  });

  it("connect() picks HTTP with an API URL, else the in-process client over the database", async () => {
    const http = connect({ env: { ...env, WEIR_API_URL: "http://127.0.0.1:1" } });
    expect(http).toBeInstanceOf(HttpClient);
    await http.close();
    const local = connect({ env });
    expect(local).toBeInstanceOf(InProcessClient);
    const run = await local.createFlowRun({ flowName: "connected" });
    expect((await local.readFlowRun(run.id)).flowName).toBe("connected");
    await local.close();
    expect(statSync(join(home, "weir.db")).isFile()).toBe(true);
  });
});
