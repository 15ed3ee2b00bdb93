/**
 * A real SMTP server for notification tests: aiosmtpd (PyPI) in a virtual environment under
 * `.cache/aiosmtpd-venv` (made on first use with `python3 -m venv` and `pip install aiosmtpd`),
 * running test/helpers/smtp_recorder.py, which records each accepted message. When Python or
 * pip is not reachable, `aiosmtpdPython()` says why and the tests that need it are skipped.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const VENV = join(ROOT, ".cache", "aiosmtpd-venv");
const RECORDER = join(ROOT, "test", "helpers", "smtp_recorder.py");

/** The venv's python with aiosmtpd, or why there is none. */
export function aiosmtpdPython(): { python: string } | { reason: string } {
  const python = join(VENV, "bin", "python");
  const hasAiosmtpd = (): boolean => existsSync(python) && spawnSync(python, ["-c", "import aiosmtpd"], { stdio: "ignore" }).status === 0;
  if (hasAiosmtpd()) return { python };
  const venv = spawnSync("python3", ["-m", "venv", VENV], { encoding: "utf8", timeout: 120_000 });
  if (venv.status !== 0) return { reason: `python3 -m venv failed: ${(venv.stderr || venv.error?.message || "").trim().slice(0, 300)}` };
  const pip = spawnSync(join(VENV, "bin", "pip"), ["install", "--quiet", "aiosmtpd"], { encoding: "utf8", timeout: 300_000 });
  if (pip.status !== 0 || !hasAiosmtpd()) return { reason: `pip install aiosmtpd failed (is PyPI reachable?): ${(pip.stderr || pip.error?.message || "").trim().slice(-300)}` };
  return { python };
}

/** One message the server accepted. */
export interface ReceivedMail {
  mail_from: string;
  rcpt_tos: string[];
  /** The whole message as received (headers and MIME parts). */
  data: string;
}

/** A running SMTP server. */
export interface SmtpReceiver {
  /** `smtp://127.0.0.1:PORT`. */
  url: string;
  messages(): ReceivedMail[];
  waitFor(count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** Start the recorder on a free port with `python` from `aiosmtpdPython()`. */
export async function startSmtpReceiver(python: string): Promise<SmtpReceiver> {
  const dir = mkdtempSync(join(tmpdir(), "weir-smtp-"));
  const file = join(dir, "mail.jsonl");
  const port = await freePort();
  const child: ChildProcess = spawn(python, [RECORDER, String(port), file], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`smtp recorder did not start: ${stderr}`)), 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`smtp recorder exited with ${code}: ${stderr}`));
    });
  });
  const messages = (): ReceivedMail[] =>
    existsSync(file)
      ? readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => JSON.parse(line) as ReceivedMail)
      : [];
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages().length < count) {
        if (Date.now() > deadline) throw new Error(`smtp: ${messages().length} of ${count} messages after ${timeoutMs} ms`);
        await new Promise((resolveSoon) => setTimeout(resolveSoon, 20));
      }
      return messages();
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
