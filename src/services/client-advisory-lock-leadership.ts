/** Leader election over PostgreSQL advisory locks on a `pg.Client` of its own (see leadership.ts). */
import pg from "pg";
import { advisoryLockKey, type Leadership } from "./leadership.js";
import { createSerialQueue } from "./serial-queue.js";

/** Leadership through advisory locks on a `pg.Client` of its own, opened from a `postgres://` URL (see header). */
export function createPostgresClientLeadership(databaseUrl: string): Leadership {
  const url = new URL(databaseUrl);
  // The schema sets the search_path of Weir's pool; here it only scopes the lock keys.
  const schema = url.searchParams.get("schema") ?? "public";
  url.searchParams.delete("schema");
  let client: Promise<pg.Client> | null = null;
  const ledLoops = new Set<string>();
  let isReleased = false;
  // Loops ask at the same time; one pg.Client runs one query at a time.
  const serially = createSerialQueue();

  function connect(): Promise<pg.Client> {
    if (client) return client;
    const created: Promise<pg.Client> = (async () => {
      const fresh = new pg.Client({ connectionString: url.toString() });
      fresh.on("error", () => {
        // The session is gone and with it every lock: lead nothing until reconnected.
        if (client === created) void disconnect();
      });
      try {
        await fresh.connect();
      } catch (error) {
        client = null;
        throw error;
      }
      return fresh;
    })();
    client = created;
    return created;
  }

  async function disconnect(): Promise<void> {
    const current = client;
    client = null;
    ledLoops.clear();
    if (!current) return;
    try {
      await (await current).end();
    } catch {
      // Already broken or never connected.
    }
  }

  return {
    isLeader: (loopName) =>
      serially(async () => {
        if (isReleased) return false;
        const connection = await connect();
        try {
          if (ledLoops.has(loopName)) {
            await connection.query("select 1");
            return true;
          }
          const result = await connection.query<{ locked: boolean }>("select pg_try_advisory_lock($1::bigint) as locked", [advisoryLockKey(loopName, schema)]);
          const isLocked = result.rows[0]?.locked === true;
          if (isLocked) ledLoops.add(loopName);
          return isLocked;
        } catch (error) {
          await disconnect();
          throw error;
        }
      }),
    release: () =>
      serially(async () => {
        isReleased = true;
        await disconnect();
      }),
  };
}
