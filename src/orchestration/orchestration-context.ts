/**
 * What every use case of the service layer receives: the database, a clock and the event bus.
 *
 * Pattern: each area of the service layer is a file exporting `createXService(ctx)`, which returns
 * an object whose methods are named and typed exactly as in `OrchestrationApi`
 * (src/client/orchestration-api.ts). The in-process client composes these objects; the HTTP
 * server routes call the same objects. Decisions (state rules, claims, limits) are made here only.
 */
import type { Clock } from "../core/clock.js";
import type { WeirDatabase } from "../db/weir-database.js";
import type { EventBus } from "./event-bus.js";
import type { SecretKeySource } from "./secret-key-source.js";

/** Dependencies of the service layer. */
export interface OrchestrationContext {
  database: WeirDatabase;
  clock: Clock;
  events: EventBus;
  /** The key of secret variables. @default WEIR_SECRET_KEY, else (SQLite) `$WEIR_HOME/secret.key` (src/orchestration/secret-key-source.ts) */
  secretKey?: SecretKeySource;
}
