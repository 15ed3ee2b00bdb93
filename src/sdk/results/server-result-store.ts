/**
 * Results kept by the Weir server in its orchestration database (`PUT/GET /api/results/{key}`),
 * so every worker that reaches the server shares them with no extra credentials. The server caps
 * a result's size (`WEIR_RESULT_MAX_BYTES`) and answers 413 past it. In embedded mode the same
 * calls go to the in-process service layer.
 */
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import { WeirError } from "../../core/weir-error.js";
import type { ResultStore, StoredResultInfo } from "./result-store.js";

/** The store behind the orchestration API. */
export class ServerResultStore implements ResultStore {
  readonly url = "server";

  constructor(private readonly client: () => Promise<OrchestrationApi>) {}

  async write(key: string, data: Uint8Array): Promise<void> {
    await (await this.client()).putResult(key, data);
  }

  async read(key: string): Promise<Uint8Array> {
    const data = await (await this.client()).readResult(key);
    if (data === null) throw new WeirError("NOT_FOUND", `persisted result '${key}' is missing from the server`);
    return data;
  }

  async delete(key: string): Promise<void> {
    await (await this.client()).deleteResult(key);
  }

  async list(): Promise<StoredResultInfo[]> {
    const client = await this.client();
    const infos: StoredResultInfo[] = [];
    for (let after: string | undefined; ; ) {
      const page = await client.listResults(after === undefined ? {} : { after });
      infos.push(...page.items.map((item) => ({ key: item.key, sizeBytes: item.sizeBytes, modifiedAt: item.createdAt })));
      if (page.nextAfter === null) return infos;
      after = page.nextAfter;
    }
  }
}
