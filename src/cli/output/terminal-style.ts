/**
 * Colours for terminal output: only when the stream is a TTY and NO_COLOR is unset
 * (FORCE_COLOR=1 forces them, e.g. for a pager), so pipes and scripts get plain text.
 */

/** The colours the CLI uses. */
export type Colour = "red" | "green" | "yellow" | "blue" | "magenta" | "cyan" | "grey" | "bold";

const ANSI_CODE: Readonly<Record<Colour, [number, number]>> = Object.freeze({
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  grey: [90, 39],
  bold: [1, 22],
});

/** Whether to colour what is written to `stream` (default stdout). */
export function isColourEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

/** Wrap `text` in the colour's escape codes when `enabled`, else return it unchanged. */
export function paint(text: string, colour: Colour, enabled: boolean = isColourEnabled()): string {
  if (!enabled) return text;
  const [open, close] = ANSI_CODE[colour];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** The length of `text` as shown on screen (escape codes removed). */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "").length;
}
