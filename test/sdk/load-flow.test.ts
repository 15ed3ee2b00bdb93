import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFlow, isFlow, flow } from "../../src/index.js";
import { REPO_ROOT, runProcess } from "../helpers/run-process.js";

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

// Loading as the CLI does it, in a process of its own (the tests' module runner is not tsx).
describe("loadFlow in a fresh process", () => {
  const sdk = join(REPO_ROOT, "src", "index.ts");
  const esm = join(scratch, "esm");
  const commonJs = join(scratch, "cjs");
  const outcomes = new Map<string, { flow?: string; error?: string }>();
  const FLOW_TS = `import { flow } from ${JSON.stringify(sdk)};\n\nexport const sales = flow("sales", async (n: number) => n * 2);\n`;
  const FLOW_REQUIRE = `const { flow } = require(${JSON.stringify(sdk)});\n\nexports.sales = flow("sales", async (n) => n * 2);\n`;
  const FLOW_IMPORT = FLOW_TS.replace("(n: number)", "(n)");
  const BROKEN = {
    "syntax.ts": `import { flow } from ${JSON.stringify(sdk)};\n\nexport const sales = flow("sales", async () => {\n  const x = ;\n});\n`,
    "absent.ts": 'export const first = 1;\nimport { helper } from "./lib/absent.js";\nexport const sales = helper;\n',
    "no-package.ts": 'export const first = 1;\nimport { x } from "not-a-package";\nexport const sales = x;\n',
    "throws.ts": 'export const first = 1;\nthrow new Error("boom at top level");\n',
    "nested.ts": 'import { helper } from "./broken-helper.js";\nexport const sales = helper;\n',
    "broken-helper.ts": "export const helper = (;\n",
    "other.ts": "export const other = 1;\n",
  };
  const WRONG_NAME = 'export const first = 1;\nimport { helper } from "./other.js";\nexport const sales = helper;\n';

  beforeAll(async () => {
    for (const [dir, type] of [[esm, "module"], [commonJs, "commonjs"]] as const) {
      mkdirSync(dir);
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type }));
      for (const [file, source] of Object.entries(BROKEN)) writeFileSync(join(dir, file), source);
      writeFileSync(join(dir, "ok.ts"), FLOW_TS);
      writeFileSync(join(dir, "ok.mts"), FLOW_TS);
      writeFileSync(join(dir, "ok.cts"), FLOW_TS);
      writeFileSync(join(dir, "ok.mjs"), FLOW_IMPORT);
      writeFileSync(join(dir, "ok.js"), type === "module" ? FLOW_IMPORT : FLOW_REQUIRE);
    }
    writeFileSync(join(esm, "wrong-name.ts"), WRONG_NAME);
    const entrypoints = [esm, commonJs].flatMap((dir) => ["ok.ts", "ok.mts", "ok.cts", "ok.js", "ok.mjs", "syntax.ts", "absent.ts", "no-package.ts", "throws.ts", "nested.ts"].map((file) => `${join(dir, file)}:sales`));
    const env = { ...process.env, WEIR_FROM_SOURCE: "1" };
    const script = join(fixtures, "load-flows.ts");
    const { code, stdout, stderr } = await runProcess(process.execPath, ["--import", "tsx", script, ...entrypoints, `${join(esm, "wrong-name.ts")}:sales`], env);
    if (code !== 0) throw new Error(`load-flows.ts failed (${code}): ${stderr}`);
    for (const line of stdout.trim().split("\n")) {
      const { entrypoint, ...outcome } = JSON.parse(line) as { entrypoint: string; flow?: string; error?: string };
      outcomes.set(entrypoint.replace(`${scratch}/`, "").replace(/:sales$/, ""), outcome);
    }
  }, 60_000);

  it.each(["esm", "cjs"])("loads .ts, .mts, .cts, .js and .mjs files in a %s package", (dir) => {
    for (const file of ["ok.ts", "ok.mts", "ok.cts", "ok.js", "ok.mjs"]) expect(outcomes.get(`${dir}/${file}`), file).toEqual({ flow: "sales" });
  });

  it.each(["esm", "cjs"])("names the file, line and column of a syntax error (%s)", (dir) => {
    expect(outcomes.get(`${dir}/syntax.ts`)?.error).toBe(`could not load ${join(scratch, dir, "syntax.ts")}:4:13: SyntaxError: Unexpected ";"`);
    expect(outcomes.get(`${dir}/nested.ts`)?.error).toBe(`could not load ${join(scratch, dir, "nested.ts")}: ${join(scratch, dir, "broken-helper.ts")}:1:24: SyntaxError: Unexpected ";"`);
  });

  it("names the line of an import that cannot be resolved", () => {
    expect(outcomes.get("esm/absent.ts")?.error).toBe(`could not load ${join(esm, "absent.ts")}:2:24: Error: Cannot find module '${join(esm, "lib", "absent.js")}'`);
    expect(outcomes.get("cjs/absent.ts")?.error).toBe(`could not load ${join(commonJs, "absent.ts")}:2:24: Error: Cannot find module './lib/absent.js'`);
    expect(outcomes.get("esm/no-package.ts")?.error).toBe(`could not load ${join(esm, "no-package.ts")}:2:19: Error: Cannot find package 'not-a-package'`);
    expect(outcomes.get("cjs/no-package.ts")?.error).toBe(`could not load ${join(commonJs, "no-package.ts")}:2:19: Error: Cannot find module 'not-a-package'`);
    expect(outcomes.get("esm/wrong-name.ts")?.error).toBe(
      `could not load ${join(esm, "wrong-name.ts")}:2:10: SyntaxError: The requested module './other.js' does not provide an export named 'helper'`,
    );
  });

  it.each(["esm", "cjs"])("names where the top level of a file threw (%s)", (dir) => {
    expect(outcomes.get(`${dir}/throws.ts`)?.error).toBe(`could not load ${join(scratch, dir, "throws.ts")}:2:7: Error: boom at top level`);
  });
});
