/**
 * Keep the run lines a flow prints (WEIR_LOGGING_QUIET) out of a test file's output, and restore
 * the setting after the file. Call at the top of a `describe`.
 */
import { afterAll, beforeAll } from "vitest";

export function useQuietRunLines(): void {
  const quiet = process.env.WEIR_LOGGING_QUIET;
  beforeAll(() => {
    process.env.WEIR_LOGGING_QUIET = "1";
  });
  afterAll(() => {
    if (quiet === undefined) delete process.env.WEIR_LOGGING_QUIET;
    else process.env.WEIR_LOGGING_QUIET = quiet;
  });
}
