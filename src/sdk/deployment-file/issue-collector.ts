/**
 * The problems found in a weir.yaml, each named by its field path and line
 * (`deployments.0.schedules.0.timezone (line 9): …`), gathered so that one error reports them all.
 */
import { isNode, type Document, type LineCounter } from "yaml";
import { isWeirError, type FieldIssue } from "../../core/weir-error.js";

/** A YAML mapping as parsed, before it is checked. */
export type RawMapping = Record<string, unknown>;

/** Whether a parsed YAML value is a mapping. */
export function isMapping(value: unknown): value is RawMapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Collects the issues of one weir.yaml document, with the line of each field. */
export class IssueCollector {
  readonly issues: FieldIssue[] = [];
  constructor(
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** An issue of the field at `path`. */
  add(path: (string | number)[], message: string): void {
    const node = this.document.getIn(path, true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    const line = offset === undefined ? "" : ` (line ${this.lines.linePos(offset).line})`;
    this.issues.push({ path: `${path.join(".")}${line}`, message });
  }

  /** The issues of a VALIDATION WeirError raised by a check of the value at `path` (any other error is thrown again). */
  addFromError(path: (string | number)[], error: unknown): void {
    if (!isWeirError(error)) throw error;
    const found = (error.details?.issues as FieldIssue[] | undefined) ?? [{ path: "", message: error.message }];
    for (const issue of found) this.add([...path, ...issue.path.split(".").filter(Boolean)], issue.message);
  }
}
