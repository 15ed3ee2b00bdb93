import { readFileSync } from "node:fs";

/** The version field of the installed `weir` package.json (same path from src/ and dist/). */
export function packageVersion(): string {
  const raw = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(raw) as { version: string }).version;
}
