/**
 * Cross-process notifications (PostgreSQL LISTEN/NOTIFY), for dialects with
 * `supportsListenNotify`. Channels are scoped to the database URL's schema, so several Weir
 * schemas in one database never hear each other.
 */
import pg from "pg";

/** Longest payload PostgreSQL accepts in one NOTIFY, in bytes (minus a margin). */
export const MAX_NOTIFY_PAYLOAD_BYTES = 7900;

/** Send and receive notifications on one channel. */
export interface NotificationChannel {
  /** Send a payload (at most MAX_NOTIFY_PAYLOAD_BYTES) to every listener, this process's included. */
  notify(payload: string): Promise<void>;
  /** Listen on a dedicated connection (reconnecting after errors) until the returned stop is called. */
  listen(onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}

/** The PostgreSQL channel `name` (already schema-scoped) over a pool and a connection string. */
export function createPostgresNotificationChannel(pool: pg.Pool, connection: pg.ClientConfig, name: string): NotificationChannel {
  return {
    async notify(payload) {
      await pool.query("select pg_notify($1, $2)", [name, payload]);
    },
    async listen(onPayload) {
      let client: pg.Client | null = null;
      let isStopped = false;
      let retry: NodeJS.Timeout | null = null;
      const connect = async (): Promise<void> => {
        const next = new pg.Client(connection);
        next.on("notification", (message) => {
          if (message.channel === name && message.payload !== undefined) onPayload(message.payload);
        });
        next.on("error", () => {
          void next.end().catch(() => undefined);
          if (client === next) client = null;
          if (!isStopped && retry === null) {
            retry = setTimeout(() => {
              retry = null;
              void connect().catch(() => undefined);
            }, 1000);
            retry.unref();
          }
        });
        await next.connect();
        await next.query(`listen "${name}"`);
        if (isStopped) await next.end();
        else client = next;
      };
      await connect();
      return async () => {
        isStopped = true;
        if (retry !== null) clearTimeout(retry);
        await client?.end().catch(() => undefined);
        client = null;
      };
    },
  };
}
