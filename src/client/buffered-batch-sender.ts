/**
 * How `HttpClient` sends task-run writes and log lines. They are retried long (a server restart
 * must not lose a batch: the "buffered" budget of http-request.ts), so the items waiting at once
 * are bounded (`maxBufferedItems`; beyond it calls fail fast), and a batch over the server's body
 * limit is split in halves, keeping the order. Separate from the client, whose methods are one
 * REST call each: this part counts what waits across calls and cuts batches to size.
 */
import { WeirError } from "../core/weir-error.js";
import type { SendHttpCall } from "./task-queue-http.js";

/** Sends buffered items in batches that fit the body limit, within a bound on the items waiting. */
export class BufferedBatchSender {
  #bufferedItems = 0;

  constructor(
    private readonly send: SendHttpCall,
    private readonly maxBufferedItems: number,
    private readonly maxBatchBytes: number,
  ) {}

  /** Send buffered items (split to fit the body limit); resolves with the answer of each request sent. */
  async sendItems(path: string, field: "writes" | "logs", items: readonly unknown[]): Promise<unknown[]> {
    const answers: unknown[] = [];
    if (items.length === 0) return answers;
    if (this.#bufferedItems + items.length > this.maxBufferedItems) {
      throw new WeirError("UNAVAILABLE", `too many writes waiting for the server (${this.#bufferedItems} items buffered)`);
    }
    this.#bufferedItems += items.length;
    try {
      await this.#sendInBatches(path, field, items, answers);
      return answers;
    } finally {
      this.#bufferedItems -= items.length;
    }
  }

  // A batch over the server's body limit would be refused for good: split it, keeping the order.
  async #sendInBatches(path: string, field: "writes" | "logs", items: readonly unknown[], answers: unknown[]): Promise<void> {
    const bodyText = JSON.stringify({ [field]: items });
    if (Buffer.byteLength(bodyText) > this.maxBatchBytes && items.length > 1) {
      const middle = Math.ceil(items.length / 2);
      await this.#sendInBatches(path, field, items.slice(0, middle), answers);
      await this.#sendInBatches(path, field, items.slice(middle), answers);
      return;
    }
    answers.push(await this.send({ method: "POST", path, bodyText }, "buffered"));
  }
}
