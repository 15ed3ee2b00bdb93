/**
 * A request over real HTTP with every header under the test's control (fetch cannot set `Host`
 * and adds `Sec-Fetch-*` or a content type of its own); answers status, headers and body text.
 */
import { request } from "node:http";

/** What a raw request answered. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Send `method url` with exactly these headers (and `body`, if any). */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
      response.on("error", reject);
    });
    sent.on("error", reject);
    sent.end(options.body);
  });
}
