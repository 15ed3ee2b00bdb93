/**
 * The type of a JSON column, on its own so that every table file of src/db/schema/ can use it
 * and src/db/schema.ts can assemble them all without an import cycle.
 */

/** JSON stored as a string (TEXT on SQLite, jsonb on PostgreSQL). */
export type JsonText = string;
