/**
 * Where the raw data comes from. A `source` parameter is one of:
 * - the name of a table bundled with the `vega-datasets` package (`seattle-weather`, `weather.csv`, …);
 * - a path to a CSV, TSV, JSON or Parquet file (relative paths resolve against the working directory);
 * - an http(s) URL, downloaded once per run and identified by the hash of its content.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import { NonRetryableError } from "weirflow";

/** File formats DuckDB reads for the pipeline. */
export type SourceFormat = "csv" | "tsv" | "json" | "parquet";

/** A source parameter, resolved. */
export interface ResolvedSource {
  kind: "bundled" | "file" | "url";
  /** Absolute file path, or the URL. */
  location: string;
  format: SourceFormat;
  /** Short name for reports and schema lookup, e.g. `seattle-weather`. */
  name: string;
}

/** A source copied (when remote) to a local file and fingerprinted by its content. */
export interface MaterializedSource extends ResolvedSource {
  localPath: string;
  /** SHA-256 of the bytes: the cache key of everything downstream. */
  sha256: string;
  bytes: number;
}

const FORMAT_OF_EXTENSION: Readonly<Record<string, SourceFormat>> = { ".csv": "csv", ".tsv": "tsv", ".json": "json", ".parquet": "parquet" };

/** The directory holding vega-datasets' data files. */
export function bundledDataDir(): string {
  // vega-datasets exports only its entry module (not package.json): walk up from it to the package root.
  let dir = dirname(createRequire(import.meta.url).resolve("vega-datasets"));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, "data");
}

/** Names of the tabular data sets bundled with vega-datasets (without extension). */
export function listBundledTables(): string[] {
  return readdirSync(bundledDataDir())
    .filter((file) => FORMAT_OF_EXTENSION[extname(file)] !== undefined)
    .map((file) => file.slice(0, -extname(file).length))
    .sort();
}

/** Resolve a source parameter, or explain in one sentence why it is not usable. */
export function tryResolveSource(source: string, cwd: string = process.cwd()): ResolvedSource | string {
  if (/^https?:\/\//i.test(source)) {
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      return `'${source}' is not a valid URL`;
    }
    const format = FORMAT_OF_EXTENSION[extname(url.pathname).toLowerCase()] ?? "csv";
    const base = url.pathname.split("/").pop() ?? "";
    return { kind: "url", location: url.href, format, name: stripExtension(base) || url.hostname };
  }
  const bundled = resolveBundled(source);
  if (bundled !== undefined) return bundled;
  const path = resolve(cwd, source);
  if (existsSync(path) && statSync(path).isFile()) {
    const format = FORMAT_OF_EXTENSION[extname(path).toLowerCase()];
    if (format === undefined) return `file '${source}' has an unsupported extension (use .csv, .tsv, .json or .parquet)`;
    return { kind: "file", location: path, format, name: stripExtension(path.split("/").pop() ?? source) };
  }
  return `unknown source '${source}': not a bundled table (e.g. seattle-weather, weather, stocks), an existing file or an http(s) URL`;
}

/** Copy a remote source to `downloadDir` and fingerprint it; local files are hashed in place. */
export async function materializeSource(source: ResolvedSource, downloadDir: string, fetchFn: typeof fetch = fetch): Promise<MaterializedSource> {
  if (source.kind !== "url") {
    const { sha256, bytes } = await hashFile(source.location);
    return { ...source, localPath: source.location, sha256, bytes };
  }
  const response = await fetchFn(source.location);
  if (!response.ok) {
    const message = `source: downloading ${source.location} failed: HTTP ${response.status}`;
    // A client error will not go away by retrying; a server error may.
    throw response.status < 500 ? new NonRetryableError(message) : new Error(message);
  }
  const body = Buffer.from(await response.arrayBuffer());
  const sha256 = createHash("sha256").update(body).digest("hex");
  await mkdir(downloadDir, { recursive: true });
  const localPath = join(downloadDir, `${sha256}.${source.format}`);
  if (!existsSync(localPath)) {
    // Write aside, then rename: a crash never leaves a truncated file under the final name.
    const partial = `${localPath}.${process.pid}.partial`;
    try {
      await writeFile(partial, body);
      await rename(partial, localPath);
    } finally {
      await rm(partial, { force: true });
    }
  }
  return { ...source, localPath, sha256, bytes: body.length };
}

/** SHA-256 and size of a file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

function resolveBundled(source: string): ResolvedSource | undefined {
  if (source.includes("/") || source.includes("\\")) return undefined;
  const dir = bundledDataDir();
  const candidates = extname(source) === "" ? Object.keys(FORMAT_OF_EXTENSION).map((ext) => `${source}${ext}`) : [source];
  for (const file of candidates) {
    const format = FORMAT_OF_EXTENSION[extname(file)];
    const path = join(dir, file);
    if (format !== undefined && existsSync(path)) return { kind: "bundled", location: path, format, name: stripExtension(file) };
  }
  return undefined;
}

function stripExtension(file: string): string {
  const ext = extname(file);
  return ext === "" ? file : file.slice(0, -ext.length);
}
