import { visibleLength } from "./terminal-style.js";

/** One column of a table. */
export interface TableColumn<Row> {
  header: string;
  /** The cell text for a row (may carry colour codes). */
  value: (row: Row) => string;
  /** @default "left" */
  align?: "left" | "right";
  /** Cut longer cells to this many characters, ending in `…`. @default unlimited */
  maxWidth?: number;
}

/**
 * Rows as an aligned text table: a header line, then one line per row, columns separated by
 * two spaces and sized to their widest cell. Returns `emptyText` when there are no rows.
 */
export function formatTable<Row>(columns: readonly TableColumn<Row>[], rows: readonly Row[], emptyText = "(none)"): string {
  if (rows.length === 0) return emptyText;
  const cells = rows.map((row) => columns.map((column) => fitCell(oneLine(column.value(row)), column.maxWidth)));
  const widths = columns.map((column, index) =>
    Math.max(visibleLength(column.header), ...cells.map((line) => visibleLength(line[index] ?? ""))),
  );
  const render = (line: readonly string[]): string =>
    line
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        const padding = " ".repeat(Math.max(0, width - visibleLength(cell)));
        const isLast = index === line.length - 1;
        if (columns[index]?.align === "right") return padding + cell;
        return isLast ? cell : cell + padding;
      })
      .join("  ");
  return [render(columns.map((column) => column.header.toUpperCase())), ...cells.map(render)].join("\n");
}

/**
 * Label/value pairs as two aligned columns, for `inspect` views.
 * @example formatFields([["id", run.id], ["state", "Completed"]])
 */
export function formatFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

function fitCell(text: string, maxWidth: number | undefined): string {
  if (maxWidth === undefined || visibleLength(text) <= maxWidth) return text;
  // Only plain text is cut; coloured cells are short state names.
  return `${text.slice(0, Math.max(1, maxWidth - 1))}…`;
}
