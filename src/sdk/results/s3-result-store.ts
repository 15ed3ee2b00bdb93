/**
 * Results in an S3-compatible bucket, `s3://bucket/prefix`, through @aws-sdk/client-s3 (loaded
 * only when such a store is first used). Region and credentials come from the usual AWS settings
 * (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, profiles, instance roles…); `WEIR_S3_ENDPOINT` (else
 * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`) points at another S3-compatible server, addressed
 * path-style (`http://host/bucket/key`), as local servers need. A write is one PutObject, which S3
 * makes visible whole or not at all.
 */
import type * as S3Sdk from "@aws-sdk/client-s3";
import { WeirError } from "../../core/weir-error.js";
import { isResultKey, type ResultStore, type StoredResultInfo } from "./result-store.js";

interface S3Connection {
  s3: S3Sdk.S3Client;
  sdk: typeof S3Sdk;
}

/** The parts of an `s3://bucket/prefix` URL. */
export interface S3Location {
  bucket: string;
  /** The key prefix, with a trailing `/` unless empty. */
  prefix: string;
}

/** Parse `s3://bucket[/prefix]`; VALIDATION when it is not one. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (match === null) throw new WeirError("VALIDATION", `result storage '${url}': expected s3://bucket/prefix with a valid bucket name`);
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket: match[1]!, prefix: prefix === "" ? "" : `${prefix}/` };
}

/** A bucket (and key prefix) of an S3-compatible store. */
export class S3ResultStore implements ResultStore {
  readonly url: string;
  private readonly location: S3Location;
  private client: Promise<S3Connection> | null = null;

  constructor(url: string, private readonly env: NodeJS.ProcessEnv = process.env) {
    this.location = parseS3Url(url);
    this.url = `s3://${this.location.bucket}/${this.location.prefix}`.replace(/\/$/, "");
  }

  async write(key: string, data: Uint8Array): Promise<void> {
    const objectKey = this.keyOf(key);
    const { s3, sdk } = await this.connect();
    await this.call(`write result '${key}'`, () => s3.send(new sdk.PutObjectCommand({ Bucket: this.location.bucket, Key: objectKey, Body: data, ContentLength: data.byteLength })));
  }

  async read(key: string): Promise<Uint8Array> {
    const objectKey = this.keyOf(key);
    const { s3, sdk } = await this.connect();
    try {
      const answer = await s3.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: objectKey }));
      return await answer.Body!.transformToByteArray();
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") throw new WeirError("NOT_FOUND", `persisted result '${key}' is missing from ${this.url}`, { cause: error });
      throw this.failure(`read result '${key}'`, error);
    }
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.keyOf(key);
    const { s3, sdk } = await this.connect();
    await this.call(`delete result '${key}'`, () => s3.send(new sdk.DeleteObjectCommand({ Bucket: this.location.bucket, Key: objectKey })));
  }

  async list(): Promise<StoredResultInfo[]> {
    const { s3, sdk } = await this.connect();
    const infos: StoredResultInfo[] = [];
    for (let token: string | undefined; ; ) {
      const page = await this.call("list results", () =>
        s3.send(new sdk.ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.location.prefix, ContinuationToken: token })),
      );
      for (const item of page.Contents ?? []) {
        const key = (item.Key ?? "").slice(this.location.prefix.length);
        if (isResultKey(key)) infos.push({ key, sizeBytes: item.Size ?? 0, modifiedAt: item.LastModified?.toISOString() ?? null });
      }
      if (page.IsTruncated !== true || page.NextContinuationToken === undefined) return infos;
      token = page.NextContinuationToken;
    }
  }

  /** Close the client's connections (a store used again reconnects). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client !== null) (await client.catch(() => null))?.s3.destroy();
  }

  private keyOf(key: string): string {
    if (!isResultKey(key)) throw new WeirError("VALIDATION", `result key '${key.slice(0, 100)}': expected letters, digits, '.', '_' or '-'`);
    return `${this.location.prefix}${key}`;
  }

  private connect(): Promise<S3Connection> {
    this.client ??= import("@aws-sdk/client-s3").then((sdk) => {
      const endpoint = this.env.WEIR_S3_ENDPOINT || this.env.AWS_ENDPOINT_URL_S3 || this.env.AWS_ENDPOINT_URL || undefined;
      const region = this.env.AWS_REGION || this.env.AWS_DEFAULT_REGION || (endpoint === undefined ? undefined : "us-east-1");
      const s3 = new sdk.S3Client({ ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }), ...(region === undefined ? {} : { region }) });
      return { s3, sdk };
    });
    return this.client;
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.failure(what, error);
    }
  }

  private failure(what: string, error: unknown): WeirError {
    const name = (error as { name?: string }).name ?? "Error";
    return new WeirError("UNAVAILABLE", `cannot ${what} in ${this.url}: ${name}: ${(error as Error).message}`, { cause: error });
  }
}
