/**
 * Code that travels: before a run of a deployment with a `pull` starts, its worker gets the code
 * into `$WEIR_HOME/code/<version>` (once per version: code-cache.ts) and runs it there.
 * - `git`: the ref is resolved to a commit at each run (a branch that moved runs its new head),
 *   and that commit is checked out (git-checkout.ts); version `git-<sha>`.
 * - `bundle`: the archive `weir deploy` uploaded to the server's result store under
 *   `code-bundle-<sha256>.tar.gz` (sdk/code-bundle.ts) is downloaded, checked against its hash
 *   and unpacked; version `bundle-<sha256>`.
 * Then its dependencies (node-dependencies.ts). The run records the version it ran
 * (`codeVersion`: `git:<sha>` or `bundle:<sha256>`). Failures are CodePullErrors naming the cause.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract } from "tar";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { codeBundleKey } from "../core/code-bundle-key.js";
import type { CodePull } from "../core/models.js";
import { cachedDirectory } from "./code-cache.js";
import { CodePullError } from "./code-pull-error.js";
import { checkOutCommit, gitCredentialsOf, resolveGitRef, type GitCredentials } from "./git-checkout.js";
import { provideDependencies, type DependencyProgress } from "./node-dependencies.js";

/** What pulling a run's code needs. */
export interface CodePullContext {
  client: OrchestrationApi;
  /** The run the code is for (a secret variable is given to an executing run only). */
  flowRunId: string;
  /** The worker's cache root (`$WEIR_HOME`): code under `code/`, dependencies under `deps/`. */
  cacheRoot: string;
  /** Told what happens (the worker writes it to the run's logs). */
  progress: DependencyProgress;
}

/** Pulled code: where it is and which version it is. */
export interface PulledCode {
  dir: string;
  codeVersion: string;
}

/** Get the code `pull` names into the worker's cache (see file header). */
export async function pullCode(pull: CodePull, context: CodePullContext): Promise<PulledCode> {
  const codeRoot = join(context.cacheRoot, "code");
  const depsRoot = join(context.cacheRoot, "deps");
  if (pull.kind === "git") {
    const credentials = await credentialsOf(pull.credentialsSecret, context);
    const sha = await resolveGitRef(pull.url, pull.ref, credentials, context.cacheRoot);
    const { path, isNew } = await cachedDirectory(codeRoot, `git-${sha}`, async (dir) => {
      context.progress(`fetching commit ${sha} (${pull.ref}) of ${pull.url}`);
      await checkOutCommit(pull.url, sha, credentials, dir);
      await provideDependencies(dir, depsRoot, context.progress);
    });
    if (!isNew) context.progress(`commit ${sha} (${pull.ref}) of ${pull.url} is already on this worker`);
    return { dir: path, codeVersion: `git:${sha}` };
  }
  const { path, isNew } = await cachedDirectory(codeRoot, `bundle-${pull.hash}`, async (dir) => {
    context.progress(`downloading code bundle ${pull.hash.slice(0, 12)} from the server`);
    await unpackBundle(pull.hash, dir, context.client);
    await provideDependencies(dir, depsRoot, context.progress);
  });
  if (!isNew) context.progress(`code bundle ${pull.hash.slice(0, 12)} is already on this worker`);
  return { dir: path, codeVersion: `bundle:${pull.hash}` };
}

async function credentialsOf(secretName: string | null, context: CodePullContext): Promise<GitCredentials | null> {
  if (secretName === null) return null;
  let value: unknown;
  try {
    value = await context.client.readSecretVariable(secretName, context.flowRunId);
  } catch (error) {
    throw new CodePullError(`cannot read the git credentials in secret variable '${secretName}': ${(error as Error).message}`);
  }
  return gitCredentialsOf(value, secretName);
}

async function unpackBundle(hash: string, dir: string, client: OrchestrationApi): Promise<void> {
  const key = codeBundleKey(hash);
  let bytes: Uint8Array | null;
  try {
    bytes = await client.readResult(key);
  } catch (error) {
    throw new CodePullError(`cannot download code bundle ${hash} from the server: ${(error as Error).message}`);
  }
  if (bytes === null) throw new CodePullError(`code bundle ${hash} is missing on the server (result '${key}'); deploy again with \`weir deploy\``);
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== hash) throw new CodePullError(`code bundle ${hash} on the server has hash ${actual}: it is damaged; deploy again with \`weir deploy\``);
  try {
    // node-tar strips absolute paths and refuses entries that climb out of `dir` ('..').
    await pipeline(Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), extract({ cwd: dir, strict: true }));
  } catch (error) {
    throw new CodePullError(`code bundle ${hash} cannot be unpacked: ${(error as Error).message}`);
  }
}
