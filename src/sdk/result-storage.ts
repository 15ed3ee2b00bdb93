/**
 * Persisted results, as the engine uses them (caching and `persistResult`): a value is serialized
 * (src/sdk/results/result-serializer.ts) and written to a result store
 * (src/sdk/results/result-store-for.ts: `local`, `server`, `s3://…`, `file://…`); its state
 * records the key, the serializer and the store's URL.
 */
import { localResultDir } from "./results/result-store-for.js";

export { persistResult, readResult, type ResultSettings } from "./results/persist-result.js";

/** The folder of the `local` store, or the directory `WEIR_RESULT_STORAGE` names: `$WEIR_HOME/storage` by default. */
export function resultStorageDir(): string {
  const named = process.env.WEIR_RESULT_STORAGE;
  if (named && named !== "local" && named !== "server" && !named.includes("://")) return named;
  return localResultDir();
}
