/** Builds the dashboard (`vite build`) when ui/dist is missing or older than any of its sources. */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Whether ui/dist must be rebuilt. */
export function isUiStale(): boolean {
  const index = join(REPO_ROOT, "ui/dist/index.html");
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = ["ui/src", "ui/index.html", "ui/vite.config.ts", "src/core"].map((p) => join(REPO_ROOT, p));
  return sources.some((source) => existsSync(source) && newestMtime(source) > built);
}

/** Build the UI if it is missing or stale. */
export function ensureUiBuilt(): void {
  if (!isUiStale()) return;
  execFileSync(join(REPO_ROOT, "node_modules/.bin/vite"), ["build", "--config", "ui/vite.config.ts", "--logLevel", "warn"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
}
