/**
 * Persisting a run's result: serialize it, write it to a store under a fresh key, and return the
 * reference its state records (the key, the serializer's name and the store's URL). Reading goes
 * the other way, lazily: only when a value is needed (a cache hit).
 */
import type { ResultRef } from "../../core/states.js";
import { WeirError } from "../../core/weir-error.js";
import { dumpWith, serializerFor, serializerNamed, type ResultSerializerOption } from "./result-serializer.js";
import { localResultDir, resultStoreFor, storeNamed, type ResultStorageOption } from "./result-store-for.js";

/** Where and how to store a result; null fields take the defaults. */
export interface ResultSettings {
  storage: ResultStorageOption | null;
  serializer: ResultSerializerOption | null;
}

const DEFAULTS: ResultSettings = { storage: null, serializer: null };

/** Store a value; NOT_SERIALIZABLE (naming `what` and the type) when its serializer cannot. */
export async function persistResult(value: unknown, what: string, settings: ResultSettings = DEFAULTS): Promise<ResultRef> {
  const serializer = serializerFor(value, settings.serializer);
  const data = dumpWith(serializer, value, what);
  const store = resultStoreFor(settings.storage);
  const storageKey = `${crypto.randomUUID()}.${serializer.name === "json" ? "json" : "bin"}`;
  await store.write(storageKey, data);
  return { kind: "stored", storageKey, serializer: serializer.name, store: store.url };
}

/** Read a result back from its reference (a ref without a store is in the local directory, as Weir wrote them before stores). */
export async function readResult(ref: ResultRef, settings: ResultSettings = DEFAULTS): Promise<unknown> {
  if (ref.kind === "inline") return ref.value;
  const serializer = serializerNamed(ref.serializer, settings.serializer);
  if (serializer === null) throw new WeirError("NOT_SERIALIZABLE", `result '${ref.storageKey}' was written by the serializer '${ref.serializer}', which this task does not have`);
  const own = settings.storage;
  // The task's own store object when the ref names it (a custom store, or one with its own client).
  const store =
    own !== null && typeof own === "object" && own.url === ref.store
      ? own
      : ref.store === undefined
        ? storeNamed(process.env.WEIR_RESULT_STORAGE || localResultDir())
        : storeNamed(ref.store);
  return serializer.loads(await store.read(ref.storageKey));
}
