/**
 * Row types of the values stored by name or key, apart from the run that wrote them: variables
 * (plain or secret) and the `server` result store. Split out of src/db/schema.ts by area; that
 * file assembles every table into `DatabaseSchema`.
 * Column conventions (timestamps, JSON, booleans) are in the header of src/db/schema.ts.
 */
import type { Generated } from "kysely";
import type { JsonText } from "./json-text.js";

/** Table `variables`. */
export interface VariableTable {
  id: string;
  name: string;
  /** JSON null for a secret variable (migration 012). */
  value: JsonText;
  tags: JsonText;
  /** 1 for a secret variable (migration 012). */
  is_secret: Generated<number>;
  /** A secret's value, encrypted (src/orchestration/secret-cipher.ts); null otherwise (migration 012). */
  secret_value: string | null;
  created_at: string;
  updated_at: string;
}

/** Table `results` (the `server` result store; one row per key). */
export interface ResultTable {
  key: string;
  /** The serialized bytes (blob on SQLite, bytea on PostgreSQL; a Buffer either way). */
  data: Uint8Array;
  /** bigint on PostgreSQL: read back as text there. */
  size_bytes: number | string;
  created_at: string;
}
