/**
 * The PostgreSQL variant of WeirDatabase (pg Pool). A `?schema=NAME` URL parameter becomes the
 * connections' search_path (tests get a fresh schema each). jsonb comes back as JSON text and
 * int8 as a number, so rows look the same as SQLite's. Statements marked by
 * `markPrepared` (src/db/prepared-statements.ts) are sent as named prepared statements.
 */
import pg from "pg";
import { Kysely, PostgresDialect, sql } from "kysely";
import { createPostgresBulkWriter } from "./bulk-writer.js";
import { toJsonText } from "./json-column.js";
import { joinNestedTransactions } from "./nested-transactions.js";
import { createPostgresNotificationChannel, type NotificationChannel } from "./notification-channel.js";
import { preparedStatementName } from "./prepared-statements.js";
import { storableParameters } from "./storable-text.js";
import { storedResultKeySql } from "./stored-result-key.js";
import type { DatabaseSchema } from "./schema.js";
import type { WeirDatabase } from "./weir-database.js";

/** How long opening a connection may take before the request fails as a database outage. */
const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

const JSON_OID = 114;
const JSONB_OID = 3802;
const INT8_OID = 20;

/** Options of the PostgreSQL pool. */
export interface PostgresDatabaseOptions {
  /** Pool size. @default 10 */
  maxConnections?: number;
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === JSON_OID || oid === JSONB_OID) return (value: string) => value;
    if (oid === INT8_OID) return (value: string) => Number(value);
    return format === "binary" ? pg.types.getTypeParser(oid, "binary") : pg.types.getTypeParser(oid);
  }) as typeof pg.types.getTypeParser,
};

// Code of "cached plan must not change result type": a marked `select *` prepared before another
// process altered the table. The call runs once more unnamed, and this connection prepares its
// statements afresh under new names.
const PLAN_RESULT_CHANGED = "0A000";

// A `{ text, values }` object (not a submittable such as a cursor, which keeps its own values).
function isPlainQueryConfig(value: unknown): value is pg.QueryConfig {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype && Array.isArray((value as pg.QueryConfig).values);
}

/**
 * A pg client that keeps marked statements prepared (see file header), and binds every string
 * parameter storable (U+0000 as U+FFFD, src/db/storable-text.ts).
 */
class PreparingClient extends pg.Client {
  private generation = 0;

  override query(...args: unknown[]): never {
    if (Array.isArray(args[1])) args[1] = storableParameters(args[1]);
    else if (isPlainQueryConfig(args[0])) {
      args[0] = { ...args[0], values: storableParameters(args[0].values!) };
    }
    const [text, values, callback] = args;
    const name = typeof text === "string" && callback === undefined && (values === undefined || Array.isArray(values)) ? preparedStatementName(text) : null;
    if (name === null) return (super.query as (...a: unknown[]) => never)(...args);
    const generation = this.generation;
    const named = super.query({ name: `${name}_${generation}`, text: text as string, values: values as unknown[] }) as Promise<pg.QueryResult>;
    return named.catch((error: unknown) => {
      if ((error as { code?: string }).code !== PLAN_RESULT_CHANGED) throw error;
      this.generation = Math.max(this.generation, generation + 1);
      return super.query(text as string, values as unknown[]);
    }) as never;
  }
}

/**
 * The channel with its notifications sent in order and grouped: those asked for while one
 * statement is in flight go out together in the next (one round trip, one commit).
 */
function inOneStatement(pool: pg.Pool, name: string, channel: NotificationChannel): NotificationChannel {
  let queue: Array<{ payload: string; settle: (error?: unknown) => void }> = [];
  let isSending = false;
  async function send(): Promise<void> {
    isSending = true;
    // No await between the last look at the queue and clearing the flag: nothing is left behind.
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        // The payloads travel as one JSON array (serialized natively, unlike a text[] parameter).
        await pool.query("select pg_notify($1, u.payload) from jsonb_array_elements_text(cast($2 as jsonb)) with ordinality as u(payload, n) order by u.n", [
          name,
          JSON.stringify(batch.map((item) => item.payload)),
        ]);
        for (const item of batch) item.settle();
      } catch (error) {
        for (const item of batch) item.settle(error);
      }
    }
    isSending = false;
  }
  return {
    listen: (onPayload) => channel.listen(onPayload),
    notify(payload) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ payload, settle: (error) => (error === undefined ? resolve() : reject(error)) });
        if (!isSending) void send();
      });
    },
  };
}

/** Open a pool on a `postgres://` URL (optionally with `?schema=NAME`). */
export function openPostgresDatabase(url: string, options: PostgresDatabaseOptions = {}): WeirDatabase {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  if (schema !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new Error(`invalid schema name '${schema}' in database URL`);
  }
  const connection: pg.ClientConfig = {
    connectionString: parsed.toString(),
    types: typeParsers,
    // Marked statements are planned on every call, with the call's values and the tables' sizes
    // then: a generic plan made while a table was tiny (a sequential scan) would be kept as the
    // table grows. They still skip parsing, half of their cost. Unnamed statements are planned
    // per call anyway, so this changes nothing else.
    options: [...(schema ? [`-c search_path=${schema}`] : []), "-c plan_cache_mode=force_custom_plan"].join(" "),
  };
  // allowExitOnIdle: a script that forgets to close its client still exits once idle.
  // connectionTimeoutMillis: a server that does not answer (a dropped network, not a refused
  // connection) fails the request as an outage (503) after 10 s instead of hanging it.
  const pool = new pg.Pool({
    ...connection,
    Client: PreparingClient,
    max: options.maxConnections ?? 10,
    allowExitOnIdle: true,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  // Nor may a checked-out client's, when its connection drops between two statements (the pool
  // listens only to idle ones): its next statement fails and the request answers 503.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  const channelName = `weir_events${schema ? `_${schema}` : ""}`.toLowerCase();
  return {
    dialect: "postgres",
    db,
    capabilities: {
      supportsSkipLocked: true,
      supportsListenNotify: true,
      supportsAdvisoryLocks: true,
      supportsRowLocks: true,
      supportsDataModifyingCte: true,
      supportsJsonContainmentIndex: true,
    },
    sql: {
      jsonArrayContainsAll: (column, values) => sql<boolean>`${sql.ref(column)} @> ${toJsonText(values)}::jsonb`,
      jsonValue: (text) => sql<string>`cast(${text} as jsonb)`,
      storedResultKey: (column) => storedResultKeySql("postgres", column),
    },
    bulk: createPostgresBulkWriter(),
    notifications: inOneStatement(pool, channelName, createPostgresNotificationChannel(pool, connection, channelName)),
    writeTransaction: joinNestedTransactions((fn) => db.transaction().execute(fn)),
    close: () => db.destroy(),
  };
}
