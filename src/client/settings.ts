/**
 * Weir's client settings, resolved from the environment first, then `$WEIR_HOME/config.json`
 * (keys apiUrl, apiKey, databaseUrl), then defaults. `weir config view|set|unset` reads and
 * writes the file through the helpers here. The file is written with mode 0600 (it may hold a key).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join } from "node:path";
import { WeirError } from "../core/weir-error.js";

/** Keys the config file may hold. */
export const CONFIG_KEYS = ["apiUrl", "apiKey", "databaseUrl"] as const;

/** A config file key. */
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** The config file's content. */
export type ConfigFile = Partial<Record<ConfigKey, string>>;

/** Resolved settings. */
export interface WeirSettings {
  /** `$WEIR_HOME`, default `~/.weir`. */
  home: string;
  /** Server URL (`WEIR_API_URL`); null means embedded mode. */
  apiUrl: string | null;
  apiKey: string | null;
  /** Database of embedded mode (`WEIR_DATABASE_URL`), default `sqlite://$WEIR_HOME/weir.db`. */
  databaseUrl: string;
  /** Where each value came from, for `weir config view`. */
  sources: Record<"apiUrl" | "apiKey" | "databaseUrl", "env" | "file" | "default">;
}

/** `$WEIR_HOME` (default `~/.weir`). */
export function weirHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.WEIR_HOME && env.WEIR_HOME !== "" ? env.WEIR_HOME : join(homedir(), ".weir");
}

/** Who this process acts for (the author of deployment versions): `WEIR_ACTOR`, else the OS user, else "unknown". */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.WEIR_ACTOR?.trim();
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username || "unknown";
  } catch {
    return "unknown";
  }
}

/** Path of the config file. */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(weirHome(env), "config.json");
}

/** Whether a string is a config key. */
export function isConfigKey(key: string): key is ConfigKey {
  return (CONFIG_KEYS as readonly string[]).includes(key);
}

/** Read the config file ({} when missing); a malformed file is a clear error. */
export function readConfigFile(env: NodeJS.ProcessEnv = process.env): ConfigFile {
  const path = configFilePath(env);
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new WeirError("BAD_REQUEST", `config file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new WeirError("BAD_REQUEST", `config file ${path} must hold a JSON object`);
  const config: ConfigFile = {};
  for (const [key, value] of Object.entries(parsed)) if (isConfigKey(key) && typeof value === "string") config[key] = value;
  return config;
}

function writeConfigFile(config: ConfigFile, env: NodeJS.ProcessEnv): void {
  const path = configFilePath(env);
  // A WEIR_HOME Weir makes is its owner's only; one the user made keeps its mode.
  mkdirSync(weirHome(env), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Set one key in the config file. */
export function setConfigValue(key: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!isConfigKey(key)) throw WeirError.validation("config key", [{ path: "key", message: `unknown key '${key}'; use one of ${CONFIG_KEYS.join(", ")}` }]);
  writeConfigFile({ ...readConfigFile(env), [key]: value }, env);
}

/** Remove one key from the config file. */
export function unsetConfigValue(key: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!isConfigKey(key)) throw WeirError.validation("config key", [{ path: "key", message: `unknown key '${key}'; use one of ${CONFIG_KEYS.join(", ")}` }]);
  const config = readConfigFile(env);
  delete config[key];
  writeConfigFile(config, env);
}

/** Resolve the settings: environment, then config file, then defaults. */
export function resolveSettings(env: NodeJS.ProcessEnv = process.env): WeirSettings {
  const home = weirHome(env);
  const file = readConfigFile(env);
  const pick = (envName: string, key: ConfigKey): { value: string | null; source: "env" | "file" | "default" } => {
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, source: "env" };
    const fromFile = file[key];
    if (fromFile !== undefined && fromFile !== "") return { value: fromFile, source: "file" };
    return { value: null, source: "default" };
  };
  const apiUrl = pick("WEIR_API_URL", "apiUrl");
  const apiKey = pick("WEIR_API_KEY", "apiKey");
  const databaseUrl = pick("WEIR_DATABASE_URL", "databaseUrl");
  return {
    home,
    apiUrl: apiUrl.value,
    apiKey: apiKey.value,
    databaseUrl: databaseUrl.value ?? `sqlite://${join(home, "weir.db")}`,
    sources: { apiUrl: apiUrl.source, apiKey: apiKey.source, databaseUrl: databaseUrl.source },
  };
}
