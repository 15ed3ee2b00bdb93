/**
 * Files Weir creates under $WEIR_HOME hold parameters, results and logs, so they are its owner's
 * only: the SQLite database and its -wal/-shm files 0600, the folders Weir makes 0700. A folder
 * the user made keeps its mode. (Result files: test/contract/unserializable-results.test.ts.)
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setConfigValue } from "../../src/client/settings.js";
import { openDatabase } from "../../src/db/open-database.js";

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

describe("file modes", () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "weir-modes-"));
    // The usual umask: without Weir's own modes, files would come out 0644 and folders 0755.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it("creates weir.db, its -wal and -shm files 0600 and the folders on its way 0700", async () => {
    const home = join(root, "home", "nested");
    const path = join(home, "weir.db");
    const database = await openDatabase(`sqlite://${path}`);
    try {
      expect(modeOf(join(root, "home"))).toBe(0o700);
      expect(modeOf(home)).toBe(0o700);
      expect(modeOf(path)).toBe(0o600);
      expect(modeOf(`${path}-wal`)).toBe(0o600);
      expect(modeOf(`${path}-shm`)).toBe(0o600);
    } finally {
      await database.close();
    }
  });

  it("leaves the mode of a WEIR_HOME the user made, and keeps an existing database's content", async () => {
    const home = join(root, "mine");
    mkdirSync(home, { mode: 0o755 });
    const path = join(home, "weir.db");
    const first = await openDatabase(`sqlite://${path}`);
    await first.db.insertInto("variables").values({ id: "v1", name: "kept", value: "1", tags: "[]", created_at: "t", updated_at: "t" }).execute();
    await first.close();
    const second = await openDatabase(`sqlite://${path}`);
    try {
      expect(await second.db.selectFrom("variables").select("name").execute()).toEqual([{ name: "kept" }]);
    } finally {
      await second.close();
    }
    expect(modeOf(home)).toBe(0o755);
    expect(modeOf(path)).toBe(0o600);
  });

  it("creates a missing WEIR_HOME 0700 when writing the config file", () => {
    const home = join(root, "config-home");
    setConfigValue("apiUrl", "http://127.0.0.1:4200", { WEIR_HOME: home });
    expect(modeOf(home)).toBe(0o700);
    expect(modeOf(join(home, "config.json"))).toBe(0o600);
  });
});
