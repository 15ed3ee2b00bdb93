/**
 * The closed set of error codes, and the one table from code to HTTP status.
 * The server maps errors to responses through this table only; the HTTP client rebuilds the
 * same WeirError from the response body.
 */
export const HTTP_STATUS_OF_ERROR_CODE = Object.freeze({
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MISDIRECTED_REQUEST: 421,
  VALIDATION: 422,
  NOT_SERIALIZABLE: 422,
  TIMEOUT: 504,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const);

/** A Weir error code. */
export type ErrorCode = keyof typeof HTTP_STATUS_OF_ERROR_CODE;

/** The HTTP status for an error code. */
export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS_OF_ERROR_CODE[code];
}

/** Whether a string is one of the known codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(HTTP_STATUS_OF_ERROR_CODE, value);
}
