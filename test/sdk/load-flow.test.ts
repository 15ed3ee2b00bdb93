import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadFlow, isFlow, flow } from "../../src/index.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "weir-load-flow-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("loadFlow", () => {
  it("loads a flow exported by a TypeScript file, relative to cwd", async () => {
    const greeting = await loadFlow("greeting.ts:greeting", fixtures);
    expect(isFlow(greeting)).toBe(true);
    expect(greeting.name).toBe("greeting");
  });

  it("explains a bad entrypoint, a missing file, a missing export and a non-flow export", async () => {
    await expect(loadFlow("no-colon.ts", fixtures)).rejects.toThrow(/path\/to\/file\.ts:exportName/);
    await expect(loadFlow("missing.ts:x", fixtures)).rejects.toThrow(/does not exist/);
    await expect(loadFlow("greeting.ts:nope", fixtures)).rejects.toThrow(/no export 'nope' \(flows exported: greeting\)/);
    writeFileSync(join(scratch, "plain.mjs"), "export const notAFlow = () => 1;\n");
    await expect(loadFlow("plain.mjs:notAFlow", scratch)).rejects.toThrow(/is not a flow/);
  });

  it("tells flows from other values", () => {
    expect(isFlow(flow("f", async () => 1))).toBe(true);
    expect(isFlow(() => 1)).toBe(false);
    expect(isFlow(null)).toBe(false);
  });
});
