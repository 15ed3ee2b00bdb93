#!/usr/bin/env node
// Entry point of the `weir` command. Runs the compiled CLI from dist/; in a source checkout
// without a build (or with WEIR_FROM_SOURCE=1) it loads src/ through tsx instead, and then a
// flow's `import … from "weirflow"` resolves to src/ too (bin/weir-source-condition.js).
// `weir flow-run execute …` (a worker's run child) takes a lean entry that skips the other commands.
import { existsSync } from "node:fs";
import { register as registerHooks } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const isRunChild = process.argv[2] === "flow-run" && process.argv[3] === "execute" && !process.argv.includes("--help");
const entry = isRunChild ? "cli/flow-run-child-main" : "cli/main";
const compiled = `${root}dist/${entry}.js`;
const source = `${root}src/${entry}.ts`;
const useSource = process.env.WEIR_FROM_SOURCE === "1" ? existsSync(source) : !existsSync(compiled);

if (useSource) {
  registerHooks(new URL("./weir-source-condition.js", import.meta.url));
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(compiled).href);
}
