/**
 * `X-Weir-Actor`: who a request acts for, as its client says (Weir has no user accounts; with an
 * API key, anyone holding it may name anyone). The CLI and SDK send `WEIR_ACTOR` or the OS user,
 * the dashboard sends `dashboard`; the value is percent-encoded UTF-8. Deployment versions record
 * it as their author.
 */
import type { Context } from "hono";
import { ACTOR_HEADER, decodeActor } from "../core/actor.js";

/** The change options of a request: its actor as the author, when it names one. */
export function changeOptionsOf(context: Context): { author?: string } {
  const raw = context.req.header(ACTOR_HEADER);
  const author = raw === undefined ? undefined : decodeActor(raw);
  return author === undefined ? {} : { author };
}
