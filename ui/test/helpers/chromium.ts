/** Headless Debian Chromium through playwright-core, and a collector of console errors per page. */
import { chromium, type Browser, type Page } from "playwright-core";

/** Chromium's path (Debian package). */
export const CHROMIUM_PATH = process.env.WEIR_CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launch headless Chromium with the flags that make it quiet and sandbox-free in CI. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Console errors and uncaught page errors seen on a page (as text lines). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${page.url()})`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message} (${page.url()})`));
  return errors;
}
