/**
 * Encryption of secret variables at rest: AES-256-GCM (node:crypto) under the server key
 * (`WEIR_SECRET_KEY`), a random 96-bit nonce per value, and the variable's name as additional
 * authenticated data, so a ciphertext copied onto another variable does not decrypt.
 *
 * A stored value is one text: `weir-secret:v1:<key id>:<nonce>:<ciphertext + tag>` (base64url).
 * The key id is the first 16 hex digits of SHA-256 over the key: it names the key a value was
 * written with (so keys can be rotated later, and a wrong key is reported as such) without
 * saying anything about the key itself.
 *
 * The key is given as 32 bytes in base64 (44 characters) or hex (64 characters), used as is, or
 * as a passphrase of at least 16 characters, stretched to 32 bytes with scrypt (N=2^15, r=8,
 * p=1) and a fixed salt: one key per server, so a per-value salt would buy nothing.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from "node:crypto";
import { WeirError } from "../core/weir-error.js";

/** A compiled secret key. */
export interface SecretKey {
  /** 32 bytes. */
  readonly bytes: Buffer;
  /** 16 hex digits naming the key (see file header). */
  readonly id: string;
  /** Where the key came from (`WEIR_SECRET_KEY`, or the key file's path), for error messages. */
  readonly source: string;
}

const ENVELOPE_PREFIX = "weir-secret:v1:";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PASSPHRASE_SALT = "weir-secret-key/v1";
const MIN_PASSPHRASE_LENGTH = 16;

/** Compile a key as written in `WEIR_SECRET_KEY` or a key file (see file header); `source` names it in errors. */
export function compileSecretKey(text: string, source: string): SecretKey {
  const trimmed = text.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) bytes = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, "base64");
    if (decoded.length === 32) bytes = decoded;
  }
  if (bytes === null) {
    if (trimmed.length < MIN_PASSPHRASE_LENGTH) {
      throw new WeirError(
        "VALIDATION",
        `${source}: expected 32 bytes as base64 or hex (e.g. the output of 'openssl rand -base64 32') or a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters`,
      );
    }
    bytes = scryptSync(trimmed, PASSPHRASE_SALT, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  }
  return Object.freeze({ source, bytes, id: createHash("sha256").update(bytes).digest("hex").slice(0, 16) });
}

/** A new random key, as base64 text (what a generated key file holds). */
export function generateSecretKeyText(): string {
  return randomBytes(32).toString("base64");
}

/** Encrypt `plaintext` for the variable named `name` (see file header for the format). */
export function encryptSecret(key: SecretKey, plaintext: string, name: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, nonce);
  cipher.setAAD(Buffer.from(name, "utf8"));
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${ENVELOPE_PREFIX}${key.id}:${nonce.toString("base64url")}:${sealed.toString("base64url")}`;
}

/** The id of the key a stored value was encrypted with, or null when it is no envelope. */
export function keyIdOf(envelope: string): string | null {
  if (!envelope.startsWith(ENVELOPE_PREFIX)) return null;
  return envelope.slice(ENVELOPE_PREFIX.length).split(":")[0] ?? null;
}

/** Decrypt a stored value of the variable `name`; a wrong key or a changed value is a CONFLICT naming the key ids. */
export function decryptSecret(key: SecretKey, envelope: string, name: string): string {
  const [keyId, nonceText, sealedText] = envelope.startsWith(ENVELOPE_PREFIX) ? envelope.slice(ENVELOPE_PREFIX.length).split(":") : [];
  if (keyId === undefined || nonceText === undefined || sealedText === undefined) {
    throw new WeirError("CONFLICT", `secret variable '${name}': its stored value is not in a format this version reads`);
  }
  if (keyId !== key.id) {
    throw new WeirError(
      "CONFLICT",
      `secret variable '${name}' was encrypted with key ${keyId}, but the server's key (${key.source}) is ${key.id}: start the server with the key it was written with, or set the variable again`,
    );
  }
  const nonce = Buffer.from(nonceText, "base64url");
  const sealed = Buffer.from(sealedText, "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, nonce);
    decipher.setAAD(Buffer.from(name, "utf8"));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch (cause) {
    throw new WeirError("CONFLICT", `secret variable '${name}': its stored value does not decrypt under key ${key.id} (changed in the database?)`, { cause });
  }
}
