/**
 * Where the server key of secret variables comes from: `WEIR_SECRET_KEY` when it is set (read
 * on each use, compiled once per value). Without it, a SQLite database (embedded mode, a local
 * `weir server start`) uses the key file `$WEIR_HOME/secret.key`, generated with mode 0600 the
 * first time a secret is set; that keeps secrets out of a copied database file, not from someone
 * who can read `$WEIR_HOME`. A PostgreSQL server refuses secrets until `WEIR_SECRET_KEY` is set.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { WeirError } from "../core/weir-error.js";
import { compileSecretKey, generateSecretKeyText, type SecretKey } from "./secret-cipher.js";

/** Gives the key to encrypt (`forWriting`, which may create the key file) or decrypt with. */
export type SecretKeySource = (forWriting: boolean) => SecretKey;

/** Options of `createSecretKeySource`. */
export interface SecretKeySourceOptions {
  /** Whether a key file in `$WEIR_HOME` stands in for `WEIR_SECRET_KEY` (SQLite databases). */
  allowsKeyFile: boolean;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** The name of the generated key file in `$WEIR_HOME`. */
export const SECRET_KEY_FILE_NAME = "secret.key";

/** A key source per the file header. */
export function createSecretKeySource(options: SecretKeySourceOptions): SecretKeySource {
  const env = options.env ?? process.env;
  const compiled = new Map<string, SecretKey>();
  const compileOnce = (text: string, source: string): SecretKey => {
    const cacheKey = `${source}\n${text}`;
    let key = compiled.get(cacheKey);
    if (key === undefined) {
      key = compileSecretKey(text, source);
      compiled.set(cacheKey, key);
    }
    return key;
  };
  return (forWriting) => {
    const text = env.WEIR_SECRET_KEY;
    if (text !== undefined && text.trim() !== "") return compileOnce(text, "WEIR_SECRET_KEY");
    if (!options.allowsKeyFile) {
      throw new WeirError(
        "CONFLICT",
        "secret variables need a server key: set WEIR_SECRET_KEY on the server (32 bytes as base64, e.g. 'openssl rand -base64 32', or a passphrase of 16+ characters)",
      );
    }
    const home = env.WEIR_HOME && env.WEIR_HOME !== "" ? env.WEIR_HOME : join(homedir(), ".weir");
    const path = join(home, SECRET_KEY_FILE_NAME);
    const existing = readKeyFile(path);
    if (existing !== null) return compileOnce(existing, `key file ${path}`);
    if (!forWriting) {
      throw new WeirError("CONFLICT", `no key to decrypt secret variables: WEIR_SECRET_KEY is not set and ${path} does not exist (set WEIR_SECRET_KEY to the key they were written with)`);
    }
    mkdirSync(home, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, `${generateSecretKeyText()}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process made it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    return compileOnce(readKeyFile(path) ?? "", `key file ${path}`);
  };
}

function readKeyFile(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
