/** Leader election over PostgreSQL advisory locks on a connection held out of the pool (see leadership.ts). */
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { advisoryLockKey, type Leadership } from "./leadership.js";
import { createSerialQueue } from "./serial-queue.js";

interface HeldConnection {
  connection: Kysely<DatabaseSchema>;
  /** The connection's schema, which scopes the lock keys. */
  schema: string;
  done: () => void;
  finished: Promise<void>;
}

/** Leadership through PostgreSQL advisory locks on one connection taken from the pool (see header). */
export function createAdvisoryLockLeadership(database: WeirDatabase): Leadership {
  let held: Promise<HeldConnection> | null = null;
  const ledLoops = new Set<string>();
  let isReleased = false;
  const serially = createSerialQueue();

  function hold(): Promise<HeldConnection> {
    held ??= new Promise<HeldConnection>((resolve, reject) => {
      let done!: () => void;
      const released = new Promise<void>((resolveReleased) => (done = resolveReleased));
      const finished = database.db
        .connection()
        .execute(async (connection) => {
          const current = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(connection);
          resolve({ connection, schema: current.rows[0]?.schema ?? "public", done, finished });
          await released;
          await sql`select pg_advisory_unlock_all()`.execute(connection).catch(() => {});
        })
        .catch((error: unknown) => {
          held = null;
          reject(error);
        });
    });
    return held;
  }

  async function dropConnection(): Promise<void> {
    const current = held;
    held = null;
    ledLoops.clear();
    if (!current) return;
    try {
      const connection = await current;
      connection.done();
      await connection.finished;
    } catch {
      // The connection never opened or already failed: nothing to release.
    }
  }

  return {
    isLeader: (loopName) =>
      serially(async () => {
        if (isReleased) return false;
        const { connection, schema } = await hold();
        try {
          if (ledLoops.has(loopName)) {
            // Still alive? A broken session has lost its locks.
            await sql`select 1`.execute(connection);
            return true;
          }
          const result = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${advisoryLockKey(loopName, schema)}::bigint) as locked`.execute(connection);
          const isLocked = result.rows[0]?.locked === true;
          if (isLocked) ledLoops.add(loopName);
          return isLocked;
        } catch (error) {
          await dropConnection();
          throw error;
        }
      }),
    release: () =>
      serially(async () => {
        isReleased = true;
        await dropConnection();
      }),
  };
}
