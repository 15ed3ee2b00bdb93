/**
 * A weir.yaml deployment's `pull:`, where workers get its code (src/worker/code-pull.ts):
 * `{ git: <url or path>, ref: <commit|branch|tag> }` (credentials from a secret variable),
 * `{ bundle: true }` (the deployment's folder, packed and uploaded by `weir deploy`:
 * sdk/code-bundle.ts), or `{ path: <dir> }` (read in place, as without `pull`).
 */
import { resolve } from "node:path";
import type { CodePull } from "../../core/models.js";
import { isMapping, type IssueCollector } from "./issue-collector.js";

/** Where workers get a deployment's code: git, a bundle of its `path` (hash known once packed), or null (in place at `path`). */
export type DeploymentFilePull = Extract<CodePull, { kind: "git" }> | { kind: "bundle" } | null;

const PULL_KEYS = ["git", "ref", "credentials", "bundle", "path"];

// A git URL that is a local path (no scheme, not `user@host:path`) is made absolute, as `path` is.
function gitUrlOf(url: string, baseDir: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) || /^[^/]+@[^/]+:/.test(url) ? url : resolve(baseDir, url);
}

/** The `pull` of a deployment entry, checked (see the file header); `path` when it says `{ path }`. */
export function checkPull(raw: unknown, path: (string | number)[], baseDir: string, issues: IssueCollector): { pull: DeploymentFilePull; path?: string } {
  if (raw === undefined || raw === null) return { pull: null };
  if (!isMapping(raw)) {
    issues.add(path, "must be { git: <url>, ref: <commit|branch|tag> }, { bundle: true } or { path: <dir> }");
    return { pull: null };
  }
  for (const key of Object.keys(raw)) if (!PULL_KEYS.includes(key)) issues.add([...path, key], `unknown key '${key}' in pull (keys: ${PULL_KEYS.join(", ")})`);
  const kinds = ["git", "bundle", "path"].filter((kind) => raw[kind] !== undefined);
  if (kinds.length !== 1) {
    issues.add(path, `must name exactly one of git, bundle or path${kinds.length > 1 ? ` (it names ${kinds.join(" and ")})` : ""}`);
    return { pull: null };
  }
  if (raw.git === undefined && (raw.ref !== undefined || raw.credentials !== undefined)) issues.add(path, "ref and credentials go with git only");
  if (raw.bundle !== undefined) {
    if (raw.bundle !== true) issues.add([...path, "bundle"], "must be true");
    return { pull: { kind: "bundle" } };
  }
  if (raw.path !== undefined) {
    if (typeof raw.path !== "string" || raw.path.trim() === "") issues.add([...path, "path"], "must be a non-empty string");
    return { pull: null, path: typeof raw.path === "string" ? resolve(baseDir, raw.path) : baseDir };
  }
  if (typeof raw.git !== "string" || raw.git.trim() === "" || raw.git.startsWith("-")) issues.add([...path, "git"], "must be a repository URL or path");
  if (raw.ref === undefined) issues.add(path, "ref is required with git: a commit, branch or tag");
  else if (typeof raw.ref !== "string" || raw.ref.trim() === "" || raw.ref.startsWith("-") || /\s/.test(raw.ref)) issues.add([...path, "ref"], "must be a commit, branch or tag");
  let credentialsSecret: string | null = null;
  if (raw.credentials !== undefined) {
    const secret = isMapping(raw.credentials) ? raw.credentials.secret : undefined;
    if (!isMapping(raw.credentials) || Object.keys(raw.credentials).some((key) => key !== "secret") || typeof secret !== "string" || secret.trim() === "") {
      issues.add([...path, "credentials"], "must be { secret: <name of a secret variable> }");
    } else credentialsSecret = secret;
  }
  return { pull: { kind: "git", url: typeof raw.git === "string" ? gitUrlOf(raw.git, baseDir) : "", ref: String(raw.ref), credentialsSecret } };
}
