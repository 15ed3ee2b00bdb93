/**
 * The `X-Weir-Actor` header (src/server/actor-header.ts): who a request acts for, percent-encoded
 * UTF-8 so that any name fits an HTTP header.
 */

/** Name of the header (lower case, as HTTP/2 and fetch spell it). */
export const ACTOR_HEADER = "x-weir-actor";

/** A name as the header carries it. */
export function encodeActor(name: string): string {
  return encodeURIComponent(name);
}

/** The name a header value carries (undefined when it is blank or not valid percent-encoding). */
export function decodeActor(value: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(value);
  } catch {
    return undefined;
  }
  return name.trim() === "" ? undefined : name;
}
