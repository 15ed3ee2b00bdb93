/**
 * Reads the server's live stream (`GET /api/events`, Server-Sent Events) as an async iterable
 * of parsed `data:` messages, reconnecting with a bounded backoff until the signal aborts.
 */
import type { Sleep } from "../core/clock.js";
import { WeirError } from "../core/weir-error.js";
import { errorFromResponse } from "./http-request.js";
import type { HttpFetch, HttpResponse } from "./node-http-fetch.js";

/** What the stream reader needs of the client's options. */
export interface EventStreamSettings {
  apiKey: string | undefined;
  fetch: HttpFetch;
  sleep: Sleep;
}

/** Yield each `data:` JSON message of an SSE endpoint until `signal` aborts. */
export async function* readServerSentEvents<T>(settings: EventStreamSettings, url: string, signal: AbortSignal): AsyncGenerator<T> {
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  let failures = 0;
  while (!signal.aborted) {
    let response: HttpResponse;
    try {
      response = await settings.fetch(url, { headers, signal });
    } catch {
      if (signal.aborted) return;
      failures++;
      await settings.sleep(Math.min(2000, 100 * 2 ** failures), signal);
      continue;
    }
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => "");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      throw errorFromResponse(response.status, body, "GET /events");
    }
    failures = 0;
    try {
      for await (const data of readDataMessages(response.body, signal)) {
        yield JSON.parse(data) as T;
      }
    } catch (cause) {
      if (signal.aborted) return;
      if (cause instanceof SyntaxError) throw new WeirError("INTERNAL", "the event stream sent a message that is not JSON", { cause });
      // The connection dropped (server restart): reconnect below.
    }
    if (!signal.aborted) await settings.sleep(100, signal);
  }
}

async function* readDataMessages(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<string> {
  const reader = body.getReader();
  const onAbort = (): void => void reader.cancel().catch(() => undefined);
  signal.addEventListener("abort", onAbort, { once: true });
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5))
          .join("\n");
        if (data) yield data;
      }
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}
