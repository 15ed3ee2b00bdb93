/**
 * Throw from a task or flow to fail it at once, skipping any retries left.
 * @example throw new NonRetryableError("input file is corrupt");
 */
export class NonRetryableError extends Error {
  override readonly name: string = "NonRetryableError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
