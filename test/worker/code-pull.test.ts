/**
 * Code that travels (src/worker/code-pull.ts), with real processes on a real server: `weir
 * deploy` from a project folder, `weir worker start` in empty folders of their own.
 * - `pull: git` at a commit of a local bare repository runs that commit's code on a worker whose
 *   folder holds no copy of it; deploying the next commit runs the new code; a branch resolves to
 *   its head; an unknown ref fails the run with the reason in its logs.
 * - `pull: bundle` deployed from folder A runs on two workers in empty folders B and C, each
 *   installing the bundle's dependencies (`npm ci` of a lockfile whose one dependency is a local
 *   tarball: no network) once, however many runs; a bundle missing on the server fails the run.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { FlowRun } from "../../src/core/models.js";
import { packCodeBundle, uploadCodeBundle } from "../../src/sdk/code-bundle.js";
import { generateSecretKeyText } from "../../src/orchestration/secret-cipher.js";
import { runCli } from "../cli/run-cli.js";
import { startGitHttpServer } from "../helpers/git-http-server.js";
import { useTestServer } from "../helpers/test-server.js";
import { REPO_ROOT, serverEnv, startWeir, waitFor, type WeirProcess } from "./worker-test-kit.js";

const { server } = useTestServer({ runServices: false });
let client: HttpClient;
let scratch: string;
const workers: WeirProcess[] = [];
const TOKEN = "s3cret-git-token-4711";
const secretKey = process.env.WEIR_SECRET_KEY;

beforeAll(() => {
  // The server (in this process) encrypts secret variables with it.
  process.env.WEIR_SECRET_KEY = generateSecretKeyText();
  client = new HttpClient({ apiUrl: server.url });
  scratch = mkdtempSync(join(tmpdir(), "weir-code-pull-"));
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop("SIGTERM")));
  await client?.close();
  rmSync(scratch, { recursive: true, force: true });
  if (secretKey === undefined) delete process.env.WEIR_SECRET_KEY;
  else process.env.WEIR_SECRET_KEY = secretKey;
});

function folder(name: string): string {
  const path = join(scratch, name);
  mkdirSync(path, { recursive: true });
  return path;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" }).trim();
}

// A project as a user has it: its flows import "weirflow", installed in its node_modules.
function writeFlow(dir: string, word: string): void {
  writeFileSync(
    join(dir, "flows.ts"),
    `import { flow, getRunLogger } from "weirflow";\nexport const versioned = flow({ name: "versioned" }, async () => {\n  getRunLogger().info(\`code says \${${JSON.stringify(word)}}\`);\n  return 1;\n});\n`,
  );
}

function linkWeirflow(dir: string): void {
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "weirflow"), "dir");
}

function startWorkerIn(cwd: string, home: string, queue: string, name: string): WeirProcess {
  const worker = startWeir(["worker", "start", "--pool", "default", "--queue", queue, "--name", name, "--poll-interval", "0.5", "--heartbeat-interval", "2", ...(queue === "git" ? ["--warm-spares", "0"] : [])], serverEnv(server.url, home, { npm_config_offline: "true" }), false, cwd);
  workers.push(worker);
  return worker;
}

async function deploy(file: string): Promise<string> {
  const result = await runCli(["deploy", "--all", "--file", file], serverEnv(server.url, folder("deploy-home")), 120_000);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

async function runToEnd(fullName: string): Promise<FlowRun> {
  const deployment = await client.readDeploymentByName(fullName);
  const created = await client.createDeploymentFlowRun(deployment.id, {});
  return waitFor(
    async () => {
      const run = await client.readFlowRun(created.id);
      return run.stateType === "COMPLETED" || run.stateType === "FAILED" || run.stateType === "CRASHED" ? run : null;
    },
    120_000,
    `run of ${fullName} to finish`,
  );
}

async function messagesOf(run: FlowRun): Promise<string[]> {
  return (await client.readLogs({ flowRunId: run.id })).map((log) => log.message);
}

describe("pull: git", () => {
  it("runs the deployed commit of a bare repository on a worker without a copy of the code", { timeout: 300_000 }, async () => {
    const bare = folder("repo.git");
    git(bare, "init", "--quiet", "--bare");
    const work = folder("work");
    git(work, "init", "--quiet");
    writeFileSync(join(work, ".gitignore"), "node_modules/\n");
    writeFileSync(join(work, "package.json"), JSON.stringify({ name: "from-git", private: true, type: "module" }));
    writeFlow(work, "v1");
    git(work, "add", ".");
    git(work, "commit", "--quiet", "-m", "v1");
    const first = git(work, "rev-parse", "HEAD");
    writeFlow(work, "v2");
    git(work, "commit", "--quiet", "-am", "v2");
    const second = git(work, "rev-parse", "HEAD");
    git(work, "push", "--quiet", bare, "HEAD:refs/heads/main");
    linkWeirflow(work);
    const yaml = (ref: string): string =>
      `deployments:\n  - name: from-git\n    entrypoint: flows.ts:versioned\n    workPool: { name: default, workQueue: git }\n    pull: { git: ../repo.git, ref: ${ref} }\n`;

    const empty = folder("git-worker");
    const gitWorker = startWorkerIn(empty, folder("git-worker-home"), "git", "git-worker");

    writeFileSync(join(work, "weir.yaml"), yaml(first));
    expect(await deploy(join(work, "weir.yaml"))).toContain(`code from git ${bare} at ${first}`);
    const deployment = await client.readDeploymentByName("versioned/from-git");
    expect(deployment.pull).toEqual({ kind: "git", url: bare, ref: first, credentialsSecret: null });
    expect(deployment.path).toBeNull();
    const v1 = await runToEnd("versioned/from-git");
    expect(v1.stateType, (await messagesOf(v1)).join("\n")).toBe("COMPLETED");
    expect(await messagesOf(v1)).toContain("code says v1");
    expect((await client.readFlowRun(v1.id)).codeVersion).toBe(`git:${first}`);

    writeFileSync(join(work, "weir.yaml"), yaml(second));
    await deploy(join(work, "weir.yaml"));
    const v2 = await runToEnd("versioned/from-git");
    expect(await messagesOf(v2)).toContain("code says v2");
    expect((await client.readFlowRun(v2.id)).codeVersion).toBe(`git:${second}`);

    // A branch resolves to its head at each run.
    writeFileSync(join(work, "weir.yaml"), yaml("main"));
    await deploy(join(work, "weir.yaml"));
    const onMain = await runToEnd("versioned/from-git");
    expect(await messagesOf(onMain)).toContain("code says v2");
    expect((await client.readFlowRun(onMain.id)).codeVersion).toBe(`git:${second}`);

    // The worker's own folder never held the code.
    expect(readdirSync(empty)).toEqual([]);
    const inspected = await runCli(["flow-run", "inspect", v1.id], serverEnv(server.url, folder("deploy-home")));
    expect(inspected.stdout).toMatch(new RegExp(`code version\\s+git:${first}`));
    const shown = await runCli(["deployment", "inspect", "versioned/from-git"], serverEnv(server.url, folder("deploy-home")));
    expect(shown.stdout).toMatch(new RegExp(`pull\\s+git ${bare} at main`));

    // Over HTTPS-like HTTP, with a token from a secret variable: never in the logs.
    const http = await startGitHttpServer(scratch, "x-access-token", TOKEN);
    try {
      writeFlow(work, "v3");
      git(work, "commit", "--quiet", "-am", "v3");
      const third = git(work, "rev-parse", "HEAD");
      git(work, "push", "--quiet", bare, "HEAD:refs/heads/main");
      await client.setVariable("GIT_TOKEN", TOKEN, [], { isSecret: true });
      const overHttp = (credentials: string): string =>
        `deployments:\n  - name: from-git\n    entrypoint: flows.ts:versioned\n    workPool: { name: default, workQueue: git }\n    pull: { git: ${http.url}/repo.git, ref: main${credentials} }\n`;
      writeFileSync(join(work, "weir.yaml"), overHttp(", credentials: { secret: GIT_TOKEN }"));
      await deploy(join(work, "weir.yaml"));
      const v3 = await runToEnd("versioned/from-git");
      expect(v3.stateType, (await messagesOf(v3)).join("\n")).toBe("COMPLETED");
      expect(await messagesOf(v3)).toContain("code says v3");
      expect((await client.readFlowRun(v3.id)).codeVersion).toBe(`git:${third}`);
      writeFileSync(join(work, "weir.yaml"), overHttp(""));
      await deploy(join(work, "weir.yaml"));
      const refused = http.refusedCount();
      const anonymous = await runToEnd("versioned/from-git");
      expect(anonymous.stateType).toBe("FAILED");
      expect((await messagesOf(anonymous)).join("\n")).toContain(`cannot reach git repository ${http.url}/repo.git`);
      expect(http.refusedCount()).toBeGreaterThan(refused);
      writeFileSync(join(work, "weir.yaml"), overHttp(", credentials: { secret: NO_SUCH_SECRET }"));
      await deploy(join(work, "weir.yaml"));
      const noSecret = await runToEnd("versioned/from-git");
      expect(noSecret.stateType).toBe("FAILED");
      expect((await messagesOf(noSecret)).join("\n")).toContain("cannot read the git credentials in secret variable 'NO_SUCH_SECRET'");
      for (const run of [v3, anonymous, noSecret]) expect((await messagesOf(run)).join("\n")).not.toContain(TOKEN);
      expect(gitWorker.output()).not.toContain(TOKEN);
    } finally {
      await http.close();
    }

    writeFileSync(join(work, "weir.yaml"), yaml("no-such-branch"));
    await deploy(join(work, "weir.yaml"));
    const unknown = await runToEnd("versioned/from-git");
    expect(unknown.stateType).toBe("FAILED");
    expect((await messagesOf(unknown)).join("\n")).toContain("has no branch or tag 'no-such-branch'");
  });
});

describe("pull: bundle", () => {
  it("runs a bundle deployed from one folder on two workers in two empty folders, installing dependencies once per worker", { timeout: 300_000 }, async () => {
    // A dependency from a local tarball, so `npm ci` needs no network.
    const lib = folder("tinylib");
    writeFileSync(join(lib, "package.json"), JSON.stringify({ name: "tinylib", version: "1.0.0", type: "module", main: "index.js" }));
    writeFileSync(join(lib, "index.js"), 'export const word = "bundled";\n');
    execFileSync("npm", ["pack", "--silent"], { cwd: lib });
    const tarball = join(lib, "tinylib-1.0.0.tgz");
    const project = folder("project-a");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "project-a", version: "1.0.0", type: "module", dependencies: { tinylib: `file:${tarball}` } }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent"], { cwd: project });
    // npm writes the tarball's path relative to the project; the workers install elsewhere.
    const lockfile = join(project, "package-lock.json");
    const lock = JSON.parse(execFileSync("cat", [lockfile], { encoding: "utf8" })) as { packages: Record<string, { resolved?: string }> };
    const entry = lock.packages["node_modules/tinylib"];
    if (entry) entry.resolved = `file:${tarball}`;
    writeFileSync(lockfile, JSON.stringify(lock, null, 2));
    // The flow logs the dependency's word, so a run that says "code says bundled" loaded it.
    writeFileSync(join(project, "flows.ts"), `import { flow, getRunLogger } from "weirflow";\nimport { word } from "tinylib";\nexport const versioned = flow({ name: "versioned" }, async () => {\n  getRunLogger().info(\`code says \${word}\`);\n  return 1;\n});\n`);
    writeFileSync(join(project, ".gitignore"), "secret.txt\n");
    writeFileSync(join(project, "secret.txt"), "left out");
    symlinkSync(REPO_ROOT, join(project, "node_modules", "weirflow"), "dir");
    writeFileSync(join(project, "weir.yaml"), "deployments:\n  - name: from-bundle\n    entrypoint: flows.ts:versioned\n    workPool: { name: default, workQueue: bundle }\n    pull: { bundle: true }\n");

    const out = await deploy(join(project, "weir.yaml"));
    const deployment = await client.readDeploymentByName("versioned/from-bundle");
    expect(deployment.pull?.kind).toBe("bundle");
    const hash = deployment.pull?.kind === "bundle" ? deployment.pull.hash : "";
    expect(out).toContain(`code bundle ${hash.slice(0, 12)} uploaded`);

    const [b, c] = [folder("worker-b"), folder("worker-c")];
    const [homeB, homeC] = [folder("home-b"), folder("home-c")];
    const workerB = startWorkerIn(b, homeB, "bundle", "worker-b");
    // Two runs on B (one after the other, then two at once), then C alone.
    const runs = [await runToEnd("versioned/from-bundle")];
    runs.push(...(await Promise.all([runToEnd("versioned/from-bundle"), runToEnd("versioned/from-bundle")])));
    await workerB.stop("SIGTERM");
    const workerC = startWorkerIn(c, homeC, "bundle", "worker-c");
    runs.push(await runToEnd("versioned/from-bundle"), await runToEnd("versioned/from-bundle"));
    await workerC.stop("SIGTERM");

    for (const run of runs) {
      expect(run.stateType, (await messagesOf(run)).join("\n")).toBe("COMPLETED");
      expect(await messagesOf(run)).toContain("code says bundled");
      expect((await client.readFlowRun(run.id)).codeVersion).toBe(`bundle:${hash}`);
    }
    expect(new Set(runs.map((run) => run.workerName))).toEqual(new Set(["worker-b", "worker-c"]));
    for (const worker of [workerB, workerC]) expect(worker.output().match(/installing dependencies from package-lock\.json/g)).toHaveLength(1);
    for (const home of [homeB, homeC]) {
      expect(readdirSync(join(home, "deps")).filter((name) => !name.startsWith("."))).toHaveLength(1);
      expect(readdirSync(join(home, "code", `bundle-${hash}`)).sort()).toEqual([".gitignore", "flows.ts", "node_modules", "package-lock.json", "package.json", "weir.yaml"]);
    }
    expect(readdirSync(b)).toEqual([]);
    expect(readdirSync(c)).toEqual([]);

    // Deploying unchanged code packs the same bundle.
    await deploy(join(project, "weir.yaml"));
    expect((await client.readDeploymentByName("versioned/from-bundle")).pull).toEqual(deployment.pull);

    // A bundle the server does not have fails the run, saying so.
    await client.upsertDeployment({ name: "lost-bundle", flowName: "versioned", entrypoint: "flows.ts:versioned", workQueueName: "bundle", pull: { kind: "bundle", hash: "0".repeat(64) } });
    startWorkerIn(folder("worker-d"), folder("home-d"), "bundle", "worker-d");
    const lost = await runToEnd("versioned/lost-bundle");
    expect(lost.stateType).toBe("FAILED");
    expect((await messagesOf(lost)).join("\n")).toContain(`code bundle ${"0".repeat(64)} is missing on the server`);

    // A lockfile out of step with package.json (workers run npm offline here): npm ci fails, and the run with it, saying why.
    const broken = folder("project-broken");
    writeFileSync(join(broken, "package.json"), JSON.stringify({ name: "broken", version: "1.0.0", type: "module", dependencies: { tinylib: "2.0.0" } }));
    writeFileSync(join(broken, "package-lock.json"), JSON.stringify({ name: "broken", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "broken", version: "1.0.0" } } }));
    writeFileSync(join(broken, "flows.ts"), 'export const versioned = 1;\n');
    const bundle = await packCodeBundle(broken);
    await uploadCodeBundle(client, bundle);
    await client.upsertDeployment({ name: "broken-lockfile", flowName: "versioned", entrypoint: "flows.ts:versioned", workQueueName: "bundle", pull: { kind: "bundle", hash: bundle.hash } });
    const failed = await runToEnd("versioned/broken-lockfile");
    expect(failed.stateType).toBe("FAILED");
    expect((await messagesOf(failed)).join("\n")).toMatch(/the worker could not get the run's code: npm ci failed \(exit code \d+\): npm error/);
  });
});
