#!/usr/bin/env node
// Entry point of the `weir` command. Runs the compiled CLI from dist/; in a source checkout
// without a build (or with WEIR_FROM_SOURCE=1) it loads src/ through tsx instead.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const compiled = `${root}dist/cli/main.js`;
const source = `${root}src/cli/main.ts`;
const useSource = process.env.WEIR_FROM_SOURCE === "1" ? existsSync(source) : !existsSync(compiled);

if (useSource) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(compiled).href);
}
