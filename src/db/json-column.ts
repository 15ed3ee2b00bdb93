/**
 * JSON columns: TEXT on SQLite, jsonb on PostgreSQL. Both dialects are configured to exchange
 * them as JSON text (the pg pool's jsonb parser is the identity), so one pair of helpers serves.
 */

/** Serialize a value for a JSON column. */
export function toJsonColumn(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Serialize a value for a nullable JSON column (null and undefined stay SQL NULL). */
export function toNullableJsonColumn(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Parse a JSON column read from either dialect. */
export function fromJsonColumn<T>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T;
}
