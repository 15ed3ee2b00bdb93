/**
 * Job variables become the environment of a run's process. Some variables change what that
 * process runs before the deployment's own code: `NODE_OPTIONS=--import=data:…` runs any code,
 * `LD_PRELOAD` loads any library. A server without an API key refuses them (422 naming the
 * variable) unless its operator allows them (`WEIR_ALLOW_PROCESS_ENV=1`), so that a request
 * nobody authenticated can never choose code a worker runs.
 *
 * The refused names (compared in upper case):
 * - `NODE_*`: Node's own start-up settings (`NODE_OPTIONS`, `NODE_PATH`, `NODE_EXTRA_CA_CERTS`,
 *   `NODE_TLS_REJECT_UNAUTHORIZED`, …);
 * - `LD_*` and `DYLD_*`: the dynamic loader on Linux and macOS (`LD_PRELOAD`, `LD_LIBRARY_PATH`,
 *   `LD_AUDIT`, `DYLD_INSERT_LIBRARIES`);
 * - `UV_*`: libuv's start-up settings (`UV_THREADPOOL_SIZE`), which warm spare processes cannot
 *   honour either;
 * - `OPENSSL_CONF`, `OPENSSL_ENGINES`, `OPENSSL_MODULES`: OpenSSL loads the modules they name
 *   when Node starts;
 * - `GCONV_PATH`: glibc loads the converters it names;
 * - `ESBUILD_BINARY_PATH`: the TypeScript loader runs the binary it names;
 * - `TSX_TSCONFIG_PATH`: the TypeScript loader's compile settings (path aliases).
 */
import { WeirError } from "../core/weir-error.js";

const PROCESS_START_PREFIXES = ["NODE_", "LD_", "DYLD_", "UV_"] as const;
const PROCESS_START_NAMES = new Set(["OPENSSL_CONF", "OPENSSL_ENGINES", "OPENSSL_MODULES", "GCONV_PATH", "ESBUILD_BINARY_PATH", "TSX_TSCONFIG_PATH"]);

/** Whether an environment variable changes how a run's process starts (see file header). */
export function isProcessStartVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return PROCESS_START_NAMES.has(upper) || PROCESS_START_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** Refuse job variables that change how a run's process starts (422 naming each one, under `field`). */
export function refuseProcessStartVariables(jobVariables: Record<string, unknown> | undefined, field: string): void {
  if (jobVariables === undefined) return;
  const refused = Object.keys(jobVariables).filter(isProcessStartVariable);
  if (refused.length === 0) return;
  throw WeirError.validation(
    "request body",
    refused.map((name) => ({
      path: `${field}.${name}`,
      message: `'${name}' changes how a run's process starts; a server without an API key accepts it only when started with WEIR_ALLOW_PROCESS_ENV=1`,
    })),
  );
}
