/**
 * The dashboard's only way to the server: `fetch` on the public REST API (docs/api.md), with the
 * session's API key as a bearer token. A 401 asks the key prompt for a key and retries once.
 */
import { apiKeyStore } from "./api-key-store.js";

/** One bad field reported by the server's validation (422 `details.issues`). */
export interface ApiIssue {
  path: (string | number)[];
  message: string;
}

/** An error answer of the API, rebuilt from `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null,
  ) {
    super(message);
  }

  /** The validation issues of a 422 answer (empty otherwise). */
  get issues(): ApiIssue[] {
    const issues = this.details?.issues;
    return Array.isArray(issues) ? (issues as ApiIssue[]) : [];
  }
}

/** Options of one API call. */
export interface ApiRequest {
  /** @default "GET" */
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  /** Query values; undefined, null, empty strings and empty arrays are left out, arrays are joined with commas. */
  query?: Record<string, string | number | boolean | string[] | null | undefined>;
  signal?: AbortSignal;
}

/** Build `/api<path>?query`. */
export function apiUrl(path: string, query: ApiRequest["query"] = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const search = params.toString();
  return `/api${path}${search ? `?${search}` : ""}`;
}

/** Call the API and parse its JSON answer (undefined for 204). */
export async function api<T>(path: string, request: ApiRequest = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    // Deployment changes made here are recorded as the dashboard's (X-Weir-Actor).
    const headers: Record<string, string> = { accept: "application/json", "x-weir-actor": "dashboard" };
    const key = apiKeyStore.get();
    if (key) headers.authorization = `Bearer ${key}`;
    if (request.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(apiUrl(path, request.query), {
      method: request.method ?? "GET",
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: request.signal,
    });
    if (response.status === 401 && attempt === 0 && (await apiKeyStore.requestKey())) continue;
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const json: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
      throw new ApiError(response.status, error?.code ?? "HTTP_" + response.status, error?.message ?? response.statusText, error?.details ?? null);
    }
    return json as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
