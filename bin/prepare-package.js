// npm's `prepare` step: builds dist/ and ui/dist/ when the package is installed from a clone or
// from git (`npm ci` here, `npm install ../weir`, `npm install github:…`), so that no manual
// build is needed. Skipped where there is nothing to build with: no src/ (a Docker layer holding
// package.json only) or no TypeScript (`npm ci --omit=dev`). Not part of the published package.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

function canResolve(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

if (!existsSync(`${root}src/index.ts`) || !canResolve("typescript/package.json") || !canResolve("vite/package.json")) {
  console.log("weirflow: nothing to build here (no src/ or no dev dependencies); skipping the build");
  process.exit(0);
}
const npm = process.env.npm_execpath;
const built = npm
  ? spawnSync(process.execPath, [npm, "run", "build"], { cwd: root, stdio: "inherit" })
  : spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
process.exit(built.status ?? 1);
