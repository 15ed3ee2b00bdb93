/**
 * Serves the built dashboard (ui/dist) at `/`, with a fallback to index.html for the
 * dashboard's own routes; when it is not built, `/` says how to build it.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import type { Hono } from "hono";

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
});

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Weir</title>
<h1>Weir server</h1><p>The dashboard is not built. Run <code>npm run build</code>, then restart the server.</p>
<p>The API is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>`;

/** Mount the dashboard of `uiDir` on the app (GET requests outside `/api`). */
export function serveStaticUi(app: Hono, uiDir: string): void {
  const root = normalize(uiDir);
  app.get("*", async (context) => {
    const index = join(root, "index.html");
    if (!existsSync(index)) return context.html(NOT_BUILT_PAGE);
    const wanted = normalize(join(root, safeDecode(context.req.path)));
    const isInside = wanted === root || wanted.startsWith(root.endsWith(sep) ? root : root + sep);
    const file = isInside && (await isFile(wanted)) ? wanted : index;
    const type = CONTENT_TYPES[extname(file)] ?? "application/octet-stream";
    const cache = file === index ? "no-cache" : "public, max-age=31536000, immutable";
    return context.body(await readFile(file), 200, { "content-type": type, "cache-control": cache });
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
