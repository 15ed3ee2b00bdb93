/**
 * Which result store a name means, and the default one. Names: `local` (`$WEIR_HOME/storage`),
 * `server` (the orchestration API), `s3://bucket/prefix`, `file:///dir`, or a directory path.
 * The default is `WEIR_RESULT_STORAGE`, else `server` when a server is configured
 * (`WEIR_API_URL`), else `local`. Stores are made once per URL and process.
 */
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveSettings } from "../../client/settings.js";
import { WeirError } from "../../core/weir-error.js";
import { getClient } from "../client-provider.js";
import { LocalResultStore } from "./local-result-store.js";
import type { ResultStore } from "./result-store.js";
import { S3ResultStore } from "./s3-result-store.js";
import { ServerResultStore } from "./server-result-store.js";

/** What a task, flow or the environment may name as a result store. */
export type ResultStorageOption = string | ResultStore;

const stores = new Map<string, ResultStore>();

/** `$WEIR_HOME/storage`: the `local` store's directory. */
export function localResultDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.WEIR_HOME || join(homedir(), ".weir"), "storage");
}

/** The store to write to: the option, else the default (see file header). */
export function resultStoreFor(option: ResultStorageOption | null, env: NodeJS.ProcessEnv = process.env): ResultStore {
  if (option !== null && typeof option === "object") return option;
  return storeNamed(option ?? defaultResultStorage(env), env);
}

/** The name of the default store: `WEIR_RESULT_STORAGE`, else `server` with a server URL, else `local`. */
export function defaultResultStorage(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WEIR_RESULT_STORAGE) return env.WEIR_RESULT_STORAGE;
  return resolveSettings(env).apiUrl !== null ? "server" : "local";
}

/** The store a name or URL means (VALIDATION when it means none). */
export function storeNamed(name: string, env: NodeJS.ProcessEnv = process.env): ResultStore {
  const url = canonicalUrl(name, env);
  let store = stores.get(url);
  if (store === undefined) {
    if (url === "server") store = new ServerResultStore(getClient);
    else if (url.startsWith("s3://")) store = new S3ResultStore(url, env);
    else store = new LocalResultStore(fileURLToPath(url));
    stores.set(url, store);
  }
  return store;
}

/** Throw VALIDATION when a name means no store (nothing is created or contacted). */
export function checkResultStorage(name: string, env: NodeJS.ProcessEnv = process.env): void {
  canonicalUrl(name, env);
}

function canonicalUrl(name: string, env: NodeJS.ProcessEnv): string {
  const trimmed = name.trim();
  if (trimmed === "server") return "server";
  if (trimmed === "local") return new LocalResultStore(localResultDir(env)).url;
  if (trimmed.startsWith("s3://")) return new S3ResultStore(trimmed, env).url;
  if (trimmed.startsWith("file://")) {
    try {
      return new LocalResultStore(fileURLToPath(trimmed)).url;
    } catch (cause) {
      throw new WeirError("VALIDATION", `result storage '${trimmed}': expected file:///absolute/path`, { cause });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || trimmed === "") {
    throw new WeirError("VALIDATION", `result storage '${trimmed}': expected local, server, s3://bucket/prefix, file:///path or a directory`);
  }
  // A plain path, as WEIR_RESULT_STORAGE has always accepted: relative to the working directory.
  return new LocalResultStore(isAbsolute(trimmed) ? trimmed : join(process.cwd(), trimmed)).url;
}
