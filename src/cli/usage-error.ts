/** An error in how a command was called (bad `--param` syntax, a non-number limit): exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
