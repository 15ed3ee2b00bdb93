/**
 * The request-body size limit, without building a web `Request` for every request: Hono's
 * `bodyLimit` reads `request.body`, which makes the Node adapter construct a whole `Request` and
 * its stream (about a tenth of a small request's CPU), even for a GET. Here the framing headers
 * decide first: a declared `Content-Length` is compared with the limit, and a request from Node's
 * HTTP server with neither `Content-Length` nor `Transfer-Encoding` has no body (HTTP/1.1
 * framing). Only a chunked body (or a request made in process, `app.request()`) goes through
 * Hono's counting `bodyLimit`.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/** Refuse (with `onError`'s answer) a body over `maxSize` bytes; see file header. */
export function bodySizeLimit(maxSize: number, onError: (context: Context) => Response): MiddlewareHandler {
  const counting = bodyLimit({ maxSize, onError });
  return async (context, next) => {
    if (context.req.header("transfer-encoding") === undefined) {
      const length = context.req.header("content-length");
      if (length !== undefined) {
        if (Number.parseInt(length, 10) > maxSize) return onError(context);
        return next();
      }
      if (isFromNodeServer(context)) return next();
    }
    return counting(context, next);
  };
}

// The Node adapter passes the incoming message as `env.incoming`; `app.request()` passes none.
function isFromNodeServer(context: Context): boolean {
  const env = context.env as { incoming?: unknown } | undefined;
  return typeof env === "object" && env !== null && env.incoming !== undefined;
}
