/**
 * `logPrints`: console.* calls made inside a run are also stored as the run's logs, in order,
 * and still printed (on stdout when `WEIR_RECORDED_OUTPUT=stdout`, see run-logger.ts). Installed once per process, on the first flow run; outside runs (or with
 * logPrints off) console behaves as before.
 */
import { format } from "node:util";
import type { LogLevel } from "../core/models.js";
import { originalConsole } from "./original-console.js";
import { isRecordedOutputOnStdout, recordLog } from "./run-logger.js";
import { runScopeStorage, currentFlowScope } from "./run-scope.js";
import { hasSecretValues, redactSecrets } from "./secret-redaction.js";

const LEVEL_OF_METHOD = { log: "INFO", info: "INFO", warn: "WARNING", error: "ERROR", debug: "DEBUG" } as const satisfies Record<
  keyof typeof originalConsole,
  LogLevel
>;

let isInstalled = false;

/** Patch console.log/info/warn/error/debug so that calls inside runs with logPrints are stored. */
export function installConsoleCapture(): void {
  if (isInstalled) return;
  isInstalled = true;
  for (const method of Object.keys(LEVEL_OF_METHOD) as Array<keyof typeof LEVEL_OF_METHOD>) {
    const level = LEVEL_OF_METHOD[method];
    const print = originalConsole[method];
    console[method] = (...args: unknown[]) => {
      const scope = runScopeStorage.getStore();
      if (scope !== undefined && currentFlowScope(scope)?.logPrints !== false) {
        const text = format(...args);
        recordLog(scope, level, text);
        // Once the run has resolved a secret, its prints go out as the redacted text.
        const printed = hasSecretValues() ? [redactSecrets(text)] : args;
        if (isRecordedOutputOnStdout()) return originalConsole.log(...printed);
        return print(...printed);
      }
      print(...args);
    };
  }
}
