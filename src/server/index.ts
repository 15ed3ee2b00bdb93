/** The server's public surface (`weir/server`). */
export {
  startServer,
  compileStartServerOptions,
  isLoopbackHost,
  type StartServerOptions,
  type CompiledStartServerOptions,
  type RunningServer,
} from "./start-server.js";
export { buildOpenApiDocument, type OpenApiDocument } from "./openapi-document.js";
export type { ServicesOptions, ServicesObserver } from "../services/services-options.js";
export type { ErrorLogger } from "./error-response.js";
