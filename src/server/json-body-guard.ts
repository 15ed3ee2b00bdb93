/**
 * Request bodies are JSON: a POST, PUT or PATCH that carries a body must say
 * `Content-Type: application/json` (a `charset` of utf-8 at most), else it is answered 415 before
 * it is read. This also shuts the door on the "simple" requests a web page may send to any site
 * without asking (`text/plain`, forms). A request with no body and no content type is fine.
 */
import type { MiddlewareHandler } from "hono";
import { WeirError } from "../core/weir-error.js";

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/** Whether a `Content-Type` value is JSON in UTF-8 (`application/json`, `application/json; charset=utf-8`). */
export function isJsonContentType(contentType: string): boolean {
  const [type = "", ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return parameters.every((parameter) => {
    if (parameter === "") return true;
    const [name, value = ""] = parameter.split("=").map((part) => part.trim());
    return name !== "charset" || value.replace(/^"|"$/g, "") === "utf-8";
  });
}

/** Middleware answering 415 to a body that is not declared JSON (see file header). */
export function jsonBodyGuard(): MiddlewareHandler {
  return async (context, next) => {
    if (!METHODS_WITH_BODY.has(context.req.method)) return next();
    const contentType = context.req.header("content-type");
    if (contentType === undefined) {
      if (!hasBody(context.req.header("content-length"), context.req.header("transfer-encoding"), context.req.raw.body)) return next();
      throw new WeirError("UNSUPPORTED_MEDIA_TYPE", "request body without a content type: send it as 'Content-Type: application/json'");
    }
    if (!isJsonContentType(contentType)) {
      throw new WeirError("UNSUPPORTED_MEDIA_TYPE", `request body of type '${contentType.slice(0, 100)}' refused: send JSON as 'Content-Type: application/json'`);
    }
    return next();
  };
}

function hasBody(contentLength: string | undefined, transferEncoding: string | undefined, body: ReadableStream | null): boolean {
  if (contentLength !== undefined) return contentLength.trim() !== "0";
  if (transferEncoding !== undefined) return true;
  // In process (app.request) there are no framing headers; the Request knows whether it has a body.
  return body !== null;
}
