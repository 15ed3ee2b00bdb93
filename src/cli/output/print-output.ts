/** Write `text` and a newline to stdout. */
export function printLine(text: string = ""): void {
  process.stdout.write(`${text}\n`);
}

/** Write a value as indented JSON (what `--json` prints, meant to be parsed by scripts). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Send everything written to stdout to stderr until the returned function is called, so that
 * a flow's own prints never mix with `--json` output.
 */
export function routeStdoutToStderr(): () => void {
  const originalWrite = process.stdout.write;
  process.stdout.write = ((...args: Parameters<typeof process.stdout.write>) =>
    (process.stderr.write as (...rest: unknown[]) => boolean)(...args)) as typeof process.stdout.write;
  return () => {
    process.stdout.write = originalWrite;
  };
}
