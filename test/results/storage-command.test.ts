/**
 * `weir storage ls` shows what a result store holds: the server's (over real HTTP, on the
 * database WEIR_TEST_DB names; the default with WEIR_API_URL) and a local directory.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { cliEnv, runCli } from "../cli/run-cli.js";
import { useTestServer } from "../helpers/test-server.js";

const { server, database } = useTestServer();
let client: HttpClient | null = null;
afterAll(async () => {
  await client?.close();
});

describe("weir storage ls", () => {
  it("lists the server's results by default when WEIR_API_URL is set", async () => {
    client = new HttpClient({ apiUrl: server.url, retries: 0 });
    await client.putResult("listed-1.bin", new Uint8Array(2048));
    const env = cliEnv(database.url, join(database.dir, "cli-home"), { WEIR_API_URL: server.url });
    const json = await runCli(["storage", "ls", "--json"], env);
    expect(json.code, json.stderr).toBe(0);
    const listing = JSON.parse(json.stdout) as { store: string; items: Array<{ key: string; sizeBytes: number }> };
    expect(listing.store).toBe("server");
    expect(listing.items).toEqual([expect.objectContaining({ key: "listed-1.bin", sizeBytes: 2048 })]);
    const table = await runCli(["storage", "ls"], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^server: 1 result, 2\.0 KiB/);
    expect(table.stdout).toContain("listed-1.bin");
  });

  it("lists a local directory", async () => {
    const dir = join(database.dir, "results-dir");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "a.json"), "{}");
    const result = await runCli(["storage", "ls", "--store", dir, "--json"], cliEnv(database.url, join(database.dir, "cli-home")));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ store: pathToFileURL(dir).href, items: [expect.objectContaining({ key: "a.json", sizeBytes: 2 })] });
  });
});
