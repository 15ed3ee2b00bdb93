/**
 * DNS-rebinding defence: every request (API, dashboard, static files) must name this server in
 * its `Host` header. A web page whose name an attacker points at 127.0.0.1 still sends its own
 * name (`Host: attacker.example:4200`), so it is answered 421 Misdirected Request and reads
 * nothing. Loopback names (`localhost`, `127.x.x.x`, `[::1]`) are always served; the port is not
 * compared (a page can only choose the name, and the dashboard's dev server proxies from
 * another port).
 */
import type { MiddlewareHandler } from "hono";
import { WeirError } from "../core/weir-error.js";

/** The host names a server answers to: a list (lower case, ports optional), or `"any"`. */
export type AllowedHosts = "any" | readonly string[];

/** Whether a host name (no port) only ever means this machine. */
export function isLoopbackName(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare.endsWith(".localhost") || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** A `Host` header value split into its name and port (`[::1]:4200` → `::1`, `4200`). */
export function parseHost(host: string): { hostname: string; port: string | null } {
  const trimmed = host.trim().toLowerCase();
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(trimmed);
  if (bracketed) return { hostname: bracketed[1] ?? "", port: bracketed[2] || null };
  const named = /^([^:]*)(?::(\d*))?$/.exec(trimmed);
  // Several colons without brackets: a bare IPv6 address, no port.
  if (!named) return { hostname: trimmed, port: null };
  return { hostname: named[1] ?? "", port: named[2] || null };
}

/** Whether a `Host` header value is served under `allowed` (loopback names always are). */
export function isAllowedHost(host: string, allowed: AllowedHosts): boolean {
  if (allowed === "any") return true;
  const { hostname, port } = parseHost(host);
  if (hostname === "") return false;
  if (isLoopbackName(hostname)) return true;
  // An entry with a port matches that port only; without one, any port.
  return allowed.some((entry) => {
    const wanted = parseHost(entry);
    return wanted.hostname === hostname && (wanted.port === null || wanted.port === port);
  });
}

/** Middleware answering 421 to a request whose `Host` is not allowed (see file header). */
export function hostGuard(allowed: AllowedHosts): MiddlewareHandler {
  return async (context, next) => {
    if (allowed === "any") return next();
    // In process (app.request) there is no Host header; the URL carries the name asked for.
    const host = context.req.header("host") ?? new URL(context.req.url).host;
    if (!isAllowedHost(host, allowed)) {
      throw new WeirError(
        "MISDIRECTED_REQUEST",
        `this server does not answer to host '${host.slice(0, 200)}': add it to WEIR_ALLOWED_HOSTS if it is a name of this server`,
      );
    }
    return next();
  };
}
