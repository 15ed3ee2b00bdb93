/**
 * The parts of code pulling that need no worker: the `pull:` spellings of weir.yaml and their
 * errors, the API's checks of a deployment's `pull`, what a bundle packs (by .gitignore, without
 * node_modules, with the lockfile, deterministically), and the cache filling a key once when two
 * runs ask at the same time.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleFiles, packCodeBundle } from "../../src/sdk/code-bundle.js";
import { parseDeploymentFile } from "../../src/sdk/deployment-file.js";
import { cachedDirectory } from "../../src/worker/code-cache.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

const { client } = useTestOrchestration();
const scratch = mkdtempSync(join(tmpdir(), "weir-pull-inputs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const entry = (pull: string): string => `deployments:\n  - name: d\n    entrypoint: flows.ts:f\n    pull: ${pull}\n`;

describe("pull: in weir.yaml", () => {
  it("accepts git (a local path made absolute), bundle and path", () => {
    expect(parseDeploymentFile(entry("{ git: ../repo.git, ref: main }"), "/projects/a")[0]?.pull).toEqual({ kind: "git", url: "/projects/repo.git", ref: "main", credentialsSecret: null });
    expect(parseDeploymentFile(entry("{ git: https://example.com/x.git, ref: v1.2, credentials: { secret: GIT_TOKEN } }"), "/p")[0]?.pull).toEqual({
      kind: "git",
      url: "https://example.com/x.git",
      ref: "v1.2",
      credentialsSecret: "GIT_TOKEN",
    });
    expect(parseDeploymentFile(entry("{ git: git@github.com:acme/flows.git, ref: main }"), "/p")[0]?.pull).toMatchObject({ url: "git@github.com:acme/flows.git" });
    expect(parseDeploymentFile(entry("{ bundle: true }"), "/p")[0]?.pull).toEqual({ kind: "bundle" });
    const inPlace = parseDeploymentFile(entry("{ path: ./code }"), "/p")[0];
    expect(inPlace).toMatchObject({ pull: null, path: "/p/code" });
  });

  it("names what is wrong, with its line", () => {
    const problems: [string, RegExp][] = [
      ["{ git: ../repo.git }", /deployments\.0\.pull \(line 4\): ref is required with git/],
      ["{ bundle: yes }", /pull\.bundle \(line 4\): must be true/],
      ["{ bundle: true, git: x, ref: main }", /must name exactly one of git, bundle or path \(it names git and bundle\)/],
      ["{ svn: x }", /unknown key 'svn' in pull/],
      ["{ git: x, ref: main, credentials: GIT_TOKEN }", /pull\.credentials \(line 4\): must be \{ secret: <name of a secret variable> \}/],
      ["{ bundle: true, ref: main }", /ref and credentials go with git only/],
      ["git", /must be \{ git: <url>, ref: <commit\|branch\|tag> \}, \{ bundle: true \} or \{ path: <dir> \}/],
    ];
    for (const [pull, message] of problems) expect(() => parseDeploymentFile(entry(pull), "/p"), pull).toThrow(message);
    expect(() => parseDeploymentFile(`${entry("{ path: ./code }")}    path: elsewhere\n`, "/p")).toThrow(/give path or pull: \{ path \}, not both/);
  });
});

describe("a deployment's pull in the API", () => {
  const base = { name: "pulled", flowName: "pulled-flow", entrypoint: "flows.ts:f" };

  it("stores git and bundle pulls and clears them", async () => {
    const git = await client.upsertDeployment({ ...base, pull: { kind: "git", url: "https://example.com/x.git", ref: "main", credentialsSecret: "TOKEN" } });
    expect((await client.readDeployment(git.id)).pull).toEqual({ kind: "git", url: "https://example.com/x.git", ref: "main", credentialsSecret: "TOKEN" });
    const bundle = await client.upsertDeployment({ ...base, pull: { kind: "bundle", hash: "a".repeat(64) } });
    expect(bundle.pull).toEqual({ kind: "bundle", hash: "a".repeat(64) });
    expect((await client.upsertDeployment(base)).pull).toBeNull();
  });

  it("refuses a bad pull, naming the field", async () => {
    const bad: [unknown, RegExp][] = [
      [{ kind: "svn" }, /pull\.kind: must be git or bundle/],
      [{ kind: "bundle", hash: "abc" }, /pull\.hash: must be the bundle's SHA-256/],
      [{ kind: "git", url: "--upload-pack=evil", ref: "main" }, /pull\.url: must not start with '-'/],
      [{ kind: "git", url: "x", ref: "--all" }, /pull\.ref: must be a commit, branch or tag/],
      [{ kind: "git", url: "x", ref: "main", token: "t" }, /pull\.token: is not a field of a git pull/],
    ];
    for (const [pull, message] of bad) await expect(client.upsertDeployment({ ...base, pull: pull as never }), JSON.stringify(pull)).rejects.toThrow(message);
  });
});

describe("code bundles", () => {
  it("pack what git would track, the lockfile always, and the same bytes for the same code", async () => {
    const dir = join(scratch, "project");
    mkdirSync(join(dir, "node_modules", "dep"), { recursive: true });
    mkdirSync(join(dir, "src", "generated"), { recursive: true });
    mkdirSync(join(dir, ".git"), { recursive: true });
    writeFileSync(join(dir, ".gitignore"), "*.log\npackage-lock.json\n/build/\n");
    writeFileSync(join(dir, "src", ".gitignore"), "generated/\n");
    writeFileSync(join(dir, "src", "flows.ts"), "export {};\n");
    writeFileSync(join(dir, "src", "generated", "big.ts"), "x");
    writeFileSync(join(dir, "debug.log"), "x");
    writeFileSync(join(dir, "package.json"), "{}");
    writeFileSync(join(dir, "package-lock.json"), "{}");
    writeFileSync(join(dir, "node_modules", "dep", "index.js"), "x");
    writeFileSync(join(dir, ".git", "HEAD"), "x");
    mkdirSync(join(dir, "build"));
    writeFileSync(join(dir, "build", "out.js"), "x");
    expect(bundleFiles(dir)).toEqual([".gitignore", "package-lock.json", "package.json", "src/.gitignore", "src/flows.ts"]);
    const [first, second] = [await packCodeBundle(dir), await packCodeBundle(dir)];
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.hash).toBe(first.hash);
    writeFileSync(join(dir, "src", "flows.ts"), "export const changed = 1;\n");
    expect((await packCodeBundle(dir)).hash).not.toBe(first.hash);
    await expect(packCodeBundle(join(scratch, "missing"))).rejects.toThrow(/no such folder/);
  });
});

describe("the code cache", () => {
  it("fills a key once when two runs ask for it at the same time, and leaves no temporary folder", async () => {
    const root = join(scratch, "cache");
    let fills = 0;
    const fill = async (dir: string): Promise<void> => {
      fills += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      writeFileSync(join(dir, "file"), "x");
    };
    const results = await Promise.all([cachedDirectory(root, "k", fill), cachedDirectory(root, "k", fill)]);
    expect(fills).toBe(1);
    expect(results.map((result) => result.isNew).sort()).toEqual([false, true]);
    expect((await cachedDirectory(root, "k", fill)).isNew).toBe(false);
    expect(readdirSync(root)).toEqual(["k"]);
    await expect(cachedDirectory(root, "broken", () => Promise.reject(new Error("fill failed")))).rejects.toThrow("fill failed");
    expect(readdirSync(root)).toEqual(["k"]);
  });
});
