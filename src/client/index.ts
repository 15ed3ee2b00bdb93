/**
 * Public surface of `weirflow/client`: the Orchestration API (the one interface behind which the
 * embedded database and a remote server look the same), its two implementations, and the
 * settings that choose between them.
 */
export { connect, type ConnectOptions } from "./connect.js";
export type { OrchestrationApi } from "./orchestration-api.js";
export { HttpClient, compileHttpClientOptions, type HttpClientOptions, type CompiledHttpClientOptions } from "./http-client.js";
export { InProcessClient, type InProcessClientOptions } from "./in-process-client.js";
export { resolveSettings, weirHome, configFilePath, CONFIG_KEYS, type ConfigKey, type ConfigFile, type WeirSettings } from "./settings.js";
export type { HttpFetch, HttpFetchInit, HttpResponse } from "./node-http-fetch.js";
export type { Clock, Sleep } from "../core/clock.js";
