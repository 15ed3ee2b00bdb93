/**
 * `pull: git`: resolve a deployment's ref (commit, branch or tag) to a commit with the `git` CLI
 * (`git ls-remote`; a full 40-digit commit is taken as is), and check that commit out into an
 * empty directory (`git fetch --depth 1 <url> <sha>`, a full fetch when the server refuses a
 * commit by id). Credentials for an HTTPS repository travel as an `Authorization` header in the
 * environment of `git` (GIT_CONFIG_*), never on its command line (which `ps` shows) nor in a
 * message; `git` never prompts (GIT_TERMINAL_PROMPT=0).
 */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { CodePullError } from "./code-pull-error.js";

const FULL_SHA = /^[0-9a-f]{40}$/;
const GIT_TIMEOUT_MS = 10 * 60_000;

/** Credentials for an HTTPS repository: a token, or a user name and password. */
export type GitCredentials = { token: string } | { username: string; password: string };

/** The credentials a secret variable's value gives: a string token, or `{ username, password }`. */
export function gitCredentialsOf(value: unknown, secretName: string): GitCredentials {
  if (typeof value === "string" && value !== "") return { token: value };
  if (typeof value === "object" && value !== null) {
    const { username, password } = value as Record<string, unknown>;
    if (typeof username === "string" && typeof password === "string") return { username, password };
  }
  throw new CodePullError(`secret variable '${secretName}' must hold a token (a string) or { "username": …, "password": … } for git`);
}

function gitEnv(credentials: GitCredentials | null): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "" };
  if (credentials) {
    const [user, password] = "token" in credentials ? ["x-access-token", credentials.token] : [credentials.username, credentials.password];
    env.GIT_CONFIG_COUNT = "1";
    env.GIT_CONFIG_KEY_0 = "http.extraHeader";
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  }
  return env;
}

function git(args: readonly string[], cwd: string, credentials: GitCredentials | null): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, env: gitEnv(credentials), timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new CodePullError(`git ${args[0]} failed: ${lastLines(stderr) || error.message}`));
      else resolve(stdout);
    });
  });
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-5).join(" | ");
}

/** The commit `ref` names in repository `url` (a full commit id is returned as is). */
export async function resolveGitRef(url: string, ref: string, credentials: GitCredentials | null, cwd: string): Promise<string> {
  if (FULL_SHA.test(ref)) return ref;
  let listing: string;
  try {
    listing = await git(["ls-remote", "--", url, ref, `refs/heads/${ref}`, `refs/tags/${ref}`, `refs/tags/${ref}^{}`], cwd, credentials);
  } catch (error) {
    throw new CodePullError(`cannot reach git repository ${url}: ${(error as Error).message}`);
  }
  const refs = new Map<string, string>();
  for (const line of listing.split("\n")) {
    const [sha, name] = line.split("\t");
    if (sha && name) refs.set(name, sha);
  }
  // An annotated tag names a tag object; its `^{}` line names the commit.
  const sha = refs.get(`refs/tags/${ref}^{}`) ?? refs.get(`refs/heads/${ref}`) ?? refs.get(`refs/tags/${ref}`) ?? refs.get(ref);
  if (!sha) throw new CodePullError(`git repository ${url} has no branch or tag '${ref}' (give a branch, a tag or a full 40-digit commit id)`);
  return sha;
}

/** Check commit `sha` of `url` out into the empty directory `dir` (without its `.git`). */
export async function checkOutCommit(url: string, sha: string, credentials: GitCredentials | null, dir: string): Promise<void> {
  await git(["init", "--quiet"], dir, null);
  try {
    await git(["fetch", "--quiet", "--depth", "1", "--", url, sha], dir, credentials);
  } catch {
    // Some servers refuse a commit by id: fetch everything, then look for it.
    try {
      await git(["fetch", "--quiet", "--", url, "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"], dir, credentials);
    } catch (error) {
      throw new CodePullError(`cannot fetch git repository ${url}: ${(error as Error).message}`);
    }
  }
  try {
    await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", sha], dir, null);
  } catch {
    throw new CodePullError(`git repository ${url} has no commit ${sha}`);
  }
  await rm(join(dir, ".git"), { recursive: true, force: true });
}
