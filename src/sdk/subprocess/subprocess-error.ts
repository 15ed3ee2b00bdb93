/**
 * The error a shell or Python step throws when its process exits with a non-zero code (or is
 * killed by a signal): retryable like any task error, carrying the exit code and the last lines
 * of stderr.
 * @example catch (error) { if (error instanceof SubprocessError) console.log(error.exitCode); }
 */
export class SubprocessError extends Error {
  override readonly name: string = "SubprocessError";
  /** The exit code, or null when a signal ended the process. */
  readonly exitCode: number | null;
  /** The signal that ended the process, if any (e.g. `SIGKILL`). */
  readonly signalName: string | null;
  /** The last lines the process wrote to stderr (at most STDERR_TAIL_LINES). */
  readonly stderrTail: readonly string[];

  constructor(what: string, exitCode: number | null, signalName: string | null, stderrTail: readonly string[]) {
    const ending = exitCode === null ? `was killed by ${signalName ?? "a signal"}` : `exited with code ${exitCode}`;
    const last = stderrTail.length === 0 ? "" : `: ${stderrTail.at(-1)!}`;
    super(`${what} ${ending}${last}`);
    this.exitCode = exitCode;
    this.signalName = signalName;
    this.stderrTail = stderrTail;
  }
}
