/**
 * The Node dependencies of pulled code. Code with a `package-lock.json` gets them from `npm ci`,
 * run once per lockfile hash into `$WEIR_HOME/deps/<hash>` (code-cache.ts), and its
 * `node_modules` is a link to that directory's. Either way, a `weirflow` the code does not
 * install itself resolves to the worker's own package (as a Prefect worker's environment
 * provides `prefect`): Node resolves ES module imports through `node_modules` folders only (not
 * NODE_PATH), so a `node_modules/weirflow` link to the worker's package root is what does it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cachedDirectory } from "./code-cache.js";
import { CodePullError } from "./code-pull-error.js";

/** The root of the `weirflow` package this worker runs (src/worker and dist/worker are two below it). */
export const WORKER_PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

const LOCKFILE = "package-lock.json";
const NPM_CI_TIMEOUT_MS = 30 * 60_000;

/** What installing dependencies reports as it goes (the worker writes it to the run's logs). */
export type DependencyProgress = (message: string) => void;

/** Give the code in `codeDir` its dependencies (see file header); `depsRoot` caches installs. */
export async function provideDependencies(codeDir: string, depsRoot: string, progress: DependencyProgress): Promise<void> {
  const modules = join(codeDir, "node_modules");
  if (existsSync(modules)) return;
  if (existsSync(join(codeDir, LOCKFILE))) {
    const lockfile = await readFile(join(codeDir, LOCKFILE));
    const hash = createHash("sha256").update(lockfile).digest("hex");
    const { path, isNew } = await cachedDirectory(depsRoot, hash, async (dir) => {
      progress(`installing dependencies from ${LOCKFILE} (lockfile ${hash.slice(0, 12)}) with npm ci`);
      await copyFile(join(codeDir, "package.json"), join(dir, "package.json")).catch(() => {
        throw new CodePullError(`the code has a ${LOCKFILE} but no package.json`);
      });
      await copyFile(join(codeDir, LOCKFILE), join(dir, LOCKFILE));
      if (existsSync(join(codeDir, ".npmrc"))) await copyFile(join(codeDir, ".npmrc"), join(dir, ".npmrc"));
      await npmCi(dir);
      await mkdir(join(dir, "node_modules"), { recursive: true });
      await linkWeirflow(join(dir, "node_modules"));
    });
    if (!isNew) progress(`dependencies of lockfile ${hash.slice(0, 12)} already installed on this worker`);
    await symlink(join(path, "node_modules"), modules, "dir");
    return;
  }
  await mkdir(modules);
  await linkWeirflow(modules);
}

async function linkWeirflow(modules: string): Promise<void> {
  const target = join(modules, "weirflow");
  if (!existsSync(target)) await symlink(WORKER_PACKAGE_ROOT, target, "dir");
}

function npmCi(cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["ci", "--no-audit", "--no-fund"], { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: NPM_CI_TIMEOUT_MS });
    let output = "";
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", (error) => reject(new CodePullError(`npm ci could not start: ${error.message}`)));
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new CodePullError(`npm ci failed (${signal ? `killed by ${signal}` : `exit code ${code}`}): ${output.trim().split("\n").slice(-8).join(" | ")}`));
    });
  });
}
