/**
 * `nodeHttpFetch`: the part of `fetch` that `HttpClient` uses, over node:http(s) and their
 * keep-alive global agents rather than Node's built-in fetch (undici).
 *
 * Why not fetch: undici parses HTTP with a WebAssembly build of llhttp, which V8 compiles again,
 * optimized, in the background after the first request, and a process cannot exit before that
 * compilation ends. Every run process that talked to the server spent 80–100 ms (2 loaded cores)
 * between its `exit` event and its end, and the first requests of a process paid for loading
 * undici. node:http parses natively: nothing to compile, a cheaper first request, and a lower
 * cost per request.
 *
 * What fetch did is kept: a connection error rejects with a TypeError whose `cause` carries the
 * code (ECONNREFUSED…), an aborted signal (AbortSignal.timeout) rejects with its reason, also
 * while the body is read; a redirect, which the API never answers but a proxy in front might, is
 * followed by handing that request to fetch itself, as is any URL that is not http(s).
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";

/** What a request gives `HttpFetch` (a subset of fetch's `RequestInit`). */
export interface HttpFetchInit {
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What `HttpClient` reads of an answer (a subset of fetch's `Response`). */
export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: {
    /** The value of header `name` (case-insensitive), or null. */
    get(name: string): string | null;
  };
  /** The body as a stream (the event stream reads it so), the same one each time; null once `text()` read it. */
  readonly body: ReadableStream<Uint8Array> | null;
  /** The whole body as text. */
  text(): Promise<string>;
}

/** A fetch as `HttpClient` calls it: `globalThis.fetch`, a test's `app.request`, or `nodeHttpFetch`. */
export type HttpFetch = (url: string, init: HttpFetchInit) => Promise<HttpResponse>;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Send one request over node:http(s) (see file header). */
export const nodeHttpFetch: HttpFetch = (url, init) => {
  const { signal } = init;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  const target = new URL(url);
  if (target.protocol !== "http:" && target.protocol !== "https:") return fetch(url, init);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = send(target, { method: init.method ?? "GET", ...(init.headers === undefined ? {} : { headers: init.headers }) });
    let answer: NodeHttpResponse | null = null;
    const onAbort = (): void => {
      const reason = signal!.reason as Error;
      if (answer === null) {
        request.destroy();
        reject(reason);
      } else answer.abort(reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const stopWatching = (): void => signal?.removeEventListener("abort", onAbort);
    request.once("error", (error) => {
      if (answer !== null) return;
      stopWatching();
      reject(signal?.aborted ? (signal.reason as Error) : new TypeError("fetch failed", { cause: error }));
    });
    request.once("response", (message) => {
      if (REDIRECT_STATUSES.has(message.statusCode ?? 0) && message.headers.location !== undefined) {
        stopWatching();
        message.resume();
        resolve(fetch(url, init));
        return;
      }
      answer = new NodeHttpResponse(message, stopWatching);
      resolve(answer);
    });
    request.end(init.body);
  });
};

/** An answer of node:http, read once: whole (`text()`) or as a stream (`body`). */
class NodeHttpResponse implements HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  private stream: ReadableStream<Uint8Array> | null = null;
  private isTextRead = false;

  constructor(
    private readonly message: IncomingMessage,
    private readonly onDone: () => void,
  ) {
    this.status = message.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    const { headers } = message;
    this.headers = {
      get(name) {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    };
    message.once("close", onDone);
    // An answer without a body is never read, yet must be, to give its connection back.
    if (this.status === 204 || this.status === 205 || this.status === 304) message.resume();
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.isTextRead) return null;
    this.stream ??= Readable.toWeb(this.message) as ReadableStream<Uint8Array>;
    return this.stream;
  }

  text(): Promise<string> {
    if (this.isTextRead || this.stream !== null) return Promise.reject(new TypeError("the body of this answer was already read"));
    this.isTextRead = true;
    const { message } = this;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      message.on("data", (chunk: Buffer) => chunks.push(chunk));
      message.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      message.once("error", reject);
    });
  }

  /** The request's signal aborted while the body was being read. */
  abort(reason: Error): void {
    this.message.destroy(reason);
  }
}
