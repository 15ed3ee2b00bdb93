/**
 * Checks the links of the hand-written docs (README.md and docs/*.md, not the generated reference):
 * every relative link must name a file of the repository, and every `#anchor` a heading of its
 * target; every `WEIR_*` setting the code reads is in docs/configuration.md. Exits 1 listing
 * each problem.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function markdownFiles(): string[] {
  const files = [join(root, "README.md")];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== "reference") walk(path);
      } else if (entry.endsWith(".md")) files.push(path);
    }
  };
  walk(join(root, "docs"));
  for (const entry of readdirSync(join(root, "examples"), { recursive: true, encoding: "utf8" })) {
    if (entry.endsWith(".md") && !entry.includes("node_modules")) files.push(join(root, "examples", entry));
  }
  return files;
}

/** GitHub's heading slug: lower case, punctuation dropped, spaces to dashes. */
function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{L}\p{N} -]/gu, "")
    .replace(/ /g, "-");
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slugOf(match[1] ?? "")));
}

const broken: string[] = [];
for (const file of markdownFiles()) {
  const lines = readFileSync(file, "utf8").split("\n");
  let isInCode = false;
  lines.forEach((line, index) => {
    if (line.trimStart().startsWith("```")) isInCode = !isInCode;
    if (isInCode) return;
    for (const match of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1] ?? "";
      if (/^[a-z]+:/i.test(target)) continue;
      const [pathPart = "", anchor] = target.split("#");
      const targetFile = pathPart === "" ? file : resolve(dirname(file), pathPart);
      const where = `${relative(root, file)}:${index + 1}: ${target}`;
      if (!targetFile.startsWith(root) || !existsSync(targetFile)) broken.push(`${where} (no such file)`);
      else if (anchor && targetFile.endsWith(".md") && !anchorsOf(targetFile).has(anchor)) broken.push(`${where} (no such heading)`);
    }
  });
}
// Every WEIR_* environment setting the code reads is in docs/configuration.md (constants named
// WEIR_BIN / WEIR_ROOT in the code are file paths, not settings).
const CODE_CONSTANTS = new Set(["WEIR_BIN", "WEIR_ROOT"]);
const configuration = readFileSync(join(root, "docs", "configuration.md"), "utf8");
const settingsInCode = new Set<string>();
for (const dir of ["src", "bin", "examples"]) {
  for (const entry of readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })) {
    if (!/\.(ts|js|mjs)$/.test(entry) || entry.includes("node_modules")) continue;
    for (const match of readFileSync(join(root, dir, entry), "utf8").matchAll(/\bWEIR_[A-Z][A-Z_]*[A-Z]\b/g)) settingsInCode.add(match[0]);
  }
}
for (const name of [...settingsInCode].sort()) {
  if (!CODE_CONSTANTS.has(name) && !configuration.includes(`\`${name}\``)) broken.push(`docs/configuration.md: the setting ${name} is read by the code but not documented`);
}
if (broken.length > 0) {
  console.error(`broken links in the docs:\n${broken.join("\n")}`);
  process.exit(1);
}
console.log(`docs: every relative link resolves; ${settingsInCode.size} WEIR_* settings documented`);
