/**
 * The package as a user gets it: `npm pack` once, the tarball installed with npm into a folder
 * made by `npm init -y` (a CommonJS project), and flow files that import "weirflow" run there with
 * `npx weir run file:flow`: in that project, in an ESM project, in a folder with no package.json,
 * as `.ts`, `.mts`, `.cts`, `.js` and `.mjs`; a broken file fails naming its file, line and column.
 *
 * Kept fast: the tarball holds the dist/ and ui/dist/ already built (`npm run check` builds before
 * the tests; built here only when missing), npm resolves the dependencies from its cache when it
 * can (`--prefer-offline`), and install scripts are skipped: the one native module,
 * better-sqlite3, gets the binary this checkout compiled for the same version and Node (compiled
 * again by `npm rebuild` when the versions differ). The folder without a package.json uses the
 * project's node_modules through a symlink. Runs record to the test database (both engines).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/test-database.js";
import { mustRunIn, runIn, userEnv, type PackageProcessResult } from "./package-process.js";

// Each case is one `npx weir run` (a few seconds; more on a busy machine).
const RUN_TIMEOUT_MS = 60_000;
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "weir-package-"));
const project = join(work, "project");
const bare = join(work, "bare");
const database = useTestDatabase();
let packedFiles: string[] = [];

const SALES_TS = `import { flow, getRunContext, task } from "weirflow";

const double = task("double", async (n: number) => n * 2);

export const sales = flow("sales", async () => {
  const total = await double(21);
  console.log(\`sales total \${total}\`);
  return { total, flowRun: getRunContext().flowRunName };
});
`;

const SALES_REQUIRE_JS = `const { flow, getRunContext, task } = require("weirflow");

const double = task("double", async (n) => n * 2);

exports.sales = flow("sales", async () => {
  const total = await double(21);
  console.log(\`sales total \${total}\`);
  return { total, flowRun: getRunContext().flowRunName };
});
`;

const SALES_IMPORT_JS = SALES_TS.replace("async (n: number)", "async (n)");

beforeAll(async () => {
  const env = userEnv({});
  if (!existsSync(join(REPO, "dist", "index.js")) || !existsSync(join(REPO, "ui", "dist", "index.html"))) {
    await mustRunIn(REPO, "npm", ["run", "build"], env, 240_000);
  }
  const packed = await mustRunIn(REPO, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], env);
  const [manifest] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  if (!manifest) throw new Error(`npm pack printed no manifest: ${packed.stdout}`);
  packedFiles = manifest.files.map((file) => file.path);

  mkdirSync(project);
  await mustRunIn(project, "npm", ["init", "-y"], env);
  await mustRunIn(project, "npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", join(work, manifest.filename)], env, 240_000);
  await provideSqliteBinary(env);

  mkdirSync(bare);
  symlinkSync(join(project, "node_modules"), join(bare, "node_modules"), "dir");
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function provideSqliteBinary(env: NodeJS.ProcessEnv): Promise<void> {
  const ours = dirname(createRequire(import.meta.url).resolve("better-sqlite3/package.json"));
  const theirs = join(project, "node_modules", "better-sqlite3");
  const versionOf = (dir: string) => (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
  const binary = join("build", "Release", "better_sqlite3.node");
  if (versionOf(ours) === versionOf(theirs) && existsSync(join(ours, binary))) {
    mkdirSync(join(theirs, "build", "Release"), { recursive: true });
    copyFileSync(join(ours, binary), join(theirs, binary));
    return;
  }
  const nodedir = existsSync("/usr/include/node") ? { npm_config_nodedir: "/usr" } : {};
  await mustRunIn(project, "npm", ["rebuild", "better-sqlite3"], { ...env, ...nodedir }, 300_000);
}

function weir(cwd: string, args: readonly string[]): Promise<PackageProcessResult> {
  return runIn(cwd, "npx", ["--no", "weir", ...args], userEnv({ WEIR_HOME: join(database.dir, "home"), WEIR_DATABASE_URL: database.url }));
}

function expectSalesCompleted(result: PackageProcessResult): void {
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const name = /Flow run '([^']+)' \([^)]+\) of flow 'sales' started/.exec(result.stdout)?.[1];
  expect(name).toBeDefined();
  expect(result.stdout).toContain("sales total 42");
  expect(result.stdout).toMatch(/finished in state Completed/);
  // The flow's own getRunContext() sees the run the CLI executes: one copy of the SDK.
  expect(result.stdout).toContain(`Result: {"total":42,"flowRun":"${name}"}`);
}

describe("the packed package", () => {
  it("holds the compiled library, the dashboard and the command, not the sources", () => {
    expect(packedFiles).toEqual(expect.arrayContaining(["package.json", "README.md", "bin/weir.js", "bin/weir-source-condition.js", "dist/index.js", "dist/index.d.ts", "dist/cli/main.js", "ui/dist/index.html"]));
    expect(packedFiles.filter((path) => /^(src|test|examples|bench)\//.test(path) || path === "bin/prepare-package.js")).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(project, "node_modules", "weirflow", "package.json"), "utf8")) as {
      name: string;
      bin: Record<string, string>;
      exports: Record<string, string | Record<string, string>>;
    };
    expect(manifest.name).toBe("weirflow");
    expect(manifest.bin.weir).toBe("bin/weir.js");
    // Every entry point a user can import ("weirflow", "weirflow/core", …) is in the tarball.
    const targets = Object.values(manifest.exports).flatMap((target) => (typeof target === "string" ? [target] : [target.types, target.default]));
    expect(targets.map((target) => target?.replace(/^\.\//, "")).filter((target) => !packedFiles.includes(target ?? ""))).toEqual([]);
  });
});

describe("npx weir run in a user's project", { timeout: RUN_TIMEOUT_MS }, () => {
  it("runs a .ts flow in a project made by npm init -y (CommonJS)", async () => {
    expect((JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { type?: string }).type ?? "commonjs").toBe("commonjs");
    writeFileSync(join(project, "flow.ts"), SALES_TS);
    expectSalesCompleted(await weir(project, ["run", "flow.ts:sales"]));
  });

  it("runs a .ts flow in a folder with no package.json", async () => {
    for (let dir = bare; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, "package.json"))).toBe(false);
    writeFileSync(join(bare, "flow.ts"), SALES_TS);
    expectSalesCompleted(await weir(bare, ["run", "flow.ts:sales"]));
  });

  it("runs a .ts flow in an ESM project", async () => {
    const esm = join(project, "esm");
    mkdirSync(esm);
    writeFileSync(join(esm, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(esm, "flow.ts"), SALES_TS);
    expectSalesCompleted(await weir(esm, ["run", "flow.ts:sales"]));
  });

  it.each([
    ["sales.mts", SALES_TS],
    ["sales.cts", SALES_TS],
    ["sales.js", SALES_REQUIRE_JS],
    ["sales.mjs", SALES_IMPORT_JS],
  ])("runs %s", async (file, source) => {
    writeFileSync(join(project, file), source);
    expectSalesCompleted(await weir(project, ["run", `${file}:sales`]));
  });

  it("names the file, line and column of a syntax error, in one line", async () => {
    writeFileSync(join(project, "broken.ts"), SALES_TS.replace("const total = await double(21);", "const total = await double(21;"));
    const result = await weir(project, ["run", "broken.ts:sales"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringContaining(`${join(project, "broken.ts")}:6:`)]);
    expect(result.stderr).toMatch(/^Error: could not load .*broken\.ts:6:\d+: SyntaxError: /);
  });
});
