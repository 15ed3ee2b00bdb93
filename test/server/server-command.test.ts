/**
 * `weir server start --port 0` as a real child process: prints the ready line with the actual
 * URL, answers health, and exits 0 on SIGTERM after shutting down cleanly.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const BIN = fileURLToPath(new URL("../../bin/weir.js", import.meta.url));
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.dispose();
});

describe("weir server start", () => {
  it("serves until SIGTERM, then exits 0", async () => {
    const child = spawn(process.execPath, [BIN, "server", "start", "--port", "0"], {
      env: { ...process.env, WEIR_DATABASE_URL: database.url, WEIR_HOME: database.dir, WEIR_FROM_SOURCE: "1", WEIR_API_KEY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line; stdout=${stdout} stderr=${stderr}`)), 20_000);
        child.stdout.on("data", () => {
          const match = /Weir server ready at (http:\/\/\S+)/.exec(stdout);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        void exited.then(() => reject(new Error(`exited early; stdout=${stdout} stderr=${stderr}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(url.endsWith(":0")).toBe(false);
      const health = await fetch(`${url}/api/health`);
      expect(health.status).toBe(200);
      child.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000))]);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/Weir server stopped/);
      await expect(fetch(`${url}/api/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 40_000);

  it("refuses a non-loopback host without a key, with one clear line and exit code 1", async () => {
    const child = spawn(process.execPath, [BIN, "server", "start", "--host", "0.0.0.0", "--port", "0"], {
      env: { ...process.env, WEIR_DATABASE_URL: database.url, WEIR_HOME: database.dir, WEIR_FROM_SOURCE: "1", WEIR_API_KEY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (exitCode) => resolve(exitCode)));
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/non-loopback host '0\.0\.0\.0'.*--insecure/);
  }, 30_000);
});
