/**
 * The server key of secret variables: the forms WEIR_SECRET_KEY accepts, a missing key (refused
 * on PostgreSQL, a 0600 key file on SQLite), a wrong key and a changed ciphertext (clear errors
 * naming the key ids), and the SDK in embedded mode (clear inside a flow, refused outside).
 */
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import { WeirError } from "../../src/core/weir-error.js";
import { compileSecretKey, decryptSecret, encryptSecret } from "../../src/orchestration/secret-cipher.js";
import { createSecretKeySource } from "../../src/orchestration/secret-key-source.js";
import { createVariableService } from "../../src/orchestration/variable-service.js";
import { flow, getRunLogger, Variables } from "../../src/index.js";
import { testEngine } from "../helpers/test-database.js";
import { useSdkTestClient } from "../helpers/test-orchestration.js";

const KEY_A = "a".repeat(64);
const KEY_B = Buffer.alloc(32, 7).toString("base64");

const { opened, client } = useSdkTestClient();
let runningId: string;

beforeAll(async () => {
  const run = await client.createFlowRun({ flowName: "key-tests", state: makeState("Pending", { now: new Date() }) });
  await client.setFlowRunState(run.id, { state: makeState("Running", { now: new Date() }) });
  runningId = run.id;
});

function serviceWith(env: NodeJS.ProcessEnv) {
  const allowsKeyFile = opened.context.database.dialect === "sqlite";
  return createVariableService({ ...opened.context, secretKey: createSecretKeySource({ allowsKeyFile, env }) });
}

describe("the secret cipher", () => {
  it("takes 32 bytes as hex or base64 as is, and stretches a passphrase", () => {
    expect(compileSecretKey(KEY_A, "WEIR_SECRET_KEY").bytes).toEqual(Buffer.alloc(32, 0xaa));
    expect(compileSecretKey(KEY_B, "WEIR_SECRET_KEY").bytes).toEqual(Buffer.alloc(32, 7));
    const passphrase = compileSecretKey("correct horse battery staple", "WEIR_SECRET_KEY");
    expect(passphrase.bytes).toHaveLength(32);
    expect(compileSecretKey("correct horse battery staple", "WEIR_SECRET_KEY").id).toBe(passphrase.id);
    expect(() => compileSecretKey("short", "WEIR_SECRET_KEY")).toThrow(/WEIR_SECRET_KEY: expected 32 bytes as base64 or hex/);
  });

  it("binds a ciphertext to its variable's name and key, and notices a change", () => {
    const key = compileSecretKey(KEY_A, "WEIR_SECRET_KEY");
    const sealed = encryptSecret(key, '"s3cr3t-value"', "one");
    expect(decryptSecret(key, sealed, "one")).toBe('"s3cr3t-value"');
    expect(() => decryptSecret(key, sealed, "other")).toThrow(/does not decrypt under key/);
    // Change a character in the middle of the last field (the ciphertext and its tag): the end
    // of a base64 text may hold padding bits only, so changing it did not always change a byte.
    const at = sealed.lastIndexOf(":") + 4;
    const flipped = sealed.slice(0, at) + (sealed[at] === "A" ? "B" : "A") + sealed.slice(at + 1);
    expect(() => decryptSecret(key, flipped, "one")).toThrow(WeirError);
    const other = compileSecretKey(KEY_B, "WEIR_SECRET_KEY");
    expect(() => decryptSecret(other, sealed, "one")).toThrow(`secret variable 'one' was encrypted with key ${key.id}, but the server's key (WEIR_SECRET_KEY) is ${other.id}`);
  });
});

describe("the server key", () => {
  it("reports a wrong key by the ids of both keys, and reads with the right one", async () => {
    await serviceWith({ WEIR_SECRET_KEY: KEY_A }).setVariable("keyed", "value-under-a", [], { isSecret: true });
    const wrong = serviceWith({ WEIR_SECRET_KEY: KEY_B }).readSecretVariable("keyed", runningId);
    await expect(wrong).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/was encrypted with key [0-9a-f]{16}, but the server's key \(WEIR_SECRET_KEY\) is [0-9a-f]{16}/) });
    expect(await serviceWith({ WEIR_SECRET_KEY: KEY_A }).readSecretVariable("keyed", runningId)).toBe("value-under-a");
  });

  it("without WEIR_SECRET_KEY: refuses on PostgreSQL naming the setting; on SQLite makes a 0600 key file in WEIR_HOME", async () => {
    const home = mkdtempSync(join(tmpdir(), "weir-secret-home-"));
    const service = serviceWith({ WEIR_HOME: home });
    if (testEngine() === "postgres") {
      await expect(service.setVariable("keyless", "x-value-1", [], { isSecret: true })).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringContaining("secret variables need a server key: set WEIR_SECRET_KEY"),
      });
      expect(await service.getVariable("keyless")).toBeNull();
      return;
    }
    await expect(service.readSecretVariable("keyed", runningId)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("WEIR_SECRET_KEY is not set") });
    await service.setVariable("keyless", "x-value-1", [], { isSecret: true });
    expect(statSync(join(home, "secret.key")).mode & 0o777).toBe(0o600);
    // Another process (a new key source) finds the same file and reads the value.
    expect(await serviceWith({ WEIR_HOME: home }).readSecretVariable("keyless", runningId)).toBe("x-value-1");
  });
});

describe("the SDK in embedded mode", () => {
  it("reads a secret in clear inside a flow, stores its log line as ****, and refuses it outside a run", async () => {
    if (testEngine() === "postgres") process.env.WEIR_SECRET_KEY = KEY_A;
    try {
      await Variables.set("embedded-secret", { user: "etl", password: "pa55-w0rd-embedded" }, { isSecret: true });
      expect(await client.getVariable("embedded-secret")).toMatchObject({ value: "****", isSecret: true });
      const reader = flow("embedded-reader", async () => {
        const value = await Variables.get<{ user: string; password: string }>("embedded-secret");
        getRunLogger().info(`connecting as ${value?.user} with ${value?.password}`);
        return value?.password.length;
      });
      expect(await reader()).toBe("pa55-w0rd-embedded".length);
      const runs = await client.listFlowRuns({}, { limit: 1000 });
      const run = runs.items.find((item) => item.stateName === "Completed");
      const logs = await client.readLogs({ flowRunId: run!.id });
      expect(logs.map((log) => log.message)).toContain("connecting as etl with ****");
      await expect(Variables.get("embedded-secret")).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("read only inside a flow or task run") });
    } finally {
      delete process.env.WEIR_SECRET_KEY;
    }
  });
});
