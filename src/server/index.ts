/** The server's public surface (`weir/server`). */
export {
  startServer,
  compileStartServerOptions,
  isLoopbackHost,
  type StartServerOptions,
  type CompiledStartServerOptions,
  type RunningServer,
} from "./start-server.js";
export { createApp, type CreateAppOptions, type WeirApp } from "./create-app.js";
export { buildOpenApiDocument } from "./openapi-document.js";
