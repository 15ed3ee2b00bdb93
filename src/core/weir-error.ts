import type { ErrorCode } from "./error-codes.js";

/** One bad field in a request or in flow parameters. */
export interface FieldIssue {
  /** Dotted path to the field, e.g. `parameters.name` or `schedules.0.timezone`. */
  path: string;
  message: string;
}

/**
 * The one error class of Weir: a closed `code`, a message meant for people, optional
 * structured `details` (e.g. `{ issues: FieldIssue[] }` for VALIDATION) and a `cause`.
 * @example throw new WeirError("NOT_FOUND", `flow run ${id} not found`);
 */
export class WeirError extends Error {
  override readonly name = "WeirError";
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  /** A VALIDATION error naming each bad field. */
  static validation(what: string, issues: FieldIssue[]): WeirError {
    const list = issues.map((issue) => `${issue.path || "(root)"}: ${issue.message}`).join("; ");
    return new WeirError("VALIDATION", `invalid ${what}: ${list}`, { details: { issues } });
  }

  /** A NOT_FOUND error for a kind of thing and its id or name. */
  static notFound(kind: string, idOrName: string): WeirError {
    return new WeirError("NOT_FOUND", `${kind} '${idOrName}' not found`);
  }

  /** The `{ error: { code, message, details } }` body the API returns. */
  toJSON(): { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** Whether a value is a WeirError (also across module copies). */
export function isWeirError(value: unknown): value is WeirError {
  return value instanceof WeirError || (value instanceof Error && value.name === "WeirError" && "code" in value);
}
