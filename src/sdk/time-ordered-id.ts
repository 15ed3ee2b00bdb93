import { randomBytes } from "node:crypto";

/**
 * Time-ordered UUIDs (version 7 layout: 48-bit milliseconds, then a per-process counter and
 * random bits), for task-run and state ids. Ids made one after another sort one after another,
 * so the database appends to its indexes instead of inserting at random places (measurably
 * cheaper per task on SQLite and PostgreSQL), and they stay unique across processes.
 */
let lastMs = -1;
let counter = 0;
let prefix = "";
const nodeBits = randomBytes(8).toString("hex");
let salt = randomBytes(4).readUInt32BE(0);

/** A new time-ordered UUID. */
export function timeOrderedId(nowMs: number = Date.now()): string {
  if (nowMs <= lastMs) {
    counter += 1;
    // More than 4096 ids in one millisecond: borrow the next millisecond to stay ordered.
    if (counter > 0xfff) nowMs = lastMs + 1;
  }
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = 0;
    const hex = nowMs.toString(16).padStart(12, "0");
    prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7`;
  }
  salt = (salt + 0x9e3779b9) >>> 0;
  const variant = (0x8000 | (salt & 0x3fff)).toString(16);
  return `${prefix}${counter.toString(16).padStart(3, "0")}-${variant}-${nodeBits.slice(0, 4)}${(salt >>> 0).toString(16).padStart(8, "0")}`;
}
