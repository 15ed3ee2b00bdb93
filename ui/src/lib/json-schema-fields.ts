/**
 * Turns a deployment's parameter JSON Schema into form fields, parses what the person typed back
 * into values with a message per bad field, and maps server 422 issues onto the same fields.
 */
import type { ApiIssue } from "../api/api-client.js";

/** One generated form field. */
export interface SchemaField {
  name: string;
  label: string;
  kind: "string" | "number" | "integer" | "boolean" | "enum" | "json";
  isRequired: boolean;
  description: string | null;
  options: string[];
  defaultValue: unknown;
  /** Numeric and length bounds and pattern, checked before sending. */
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

type Schema = Record<string, unknown>;

function resolve(root: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref === "string" && ref.startsWith("#/")) {
    let node: unknown = root;
    for (const part of ref.slice(2).split("/")) node = (node as Schema | undefined)?.[part];
    return (node as Schema | undefined) ?? schema;
  }
  return schema;
}

/** The fields of an object schema (top-level properties). */
export function schemaFields(schema: Schema | null): SchemaField[] {
  if (!schema) return [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, raw]) => {
    const property = resolve(schema, raw);
    const type = Array.isArray(property.type) ? (property.type as string[]).find((t) => t !== "null") : property.type;
    const isEnum = Array.isArray(property.enum);
    const kind: SchemaField["kind"] = isEnum
      ? "enum"
      : type === "string" || type === "number" || type === "integer" || type === "boolean"
        ? type
        : "json";
    return {
      name,
      label: typeof property.title === "string" ? property.title : name,
      kind,
      isRequired: required.has(name) && property.default === undefined,
      description: typeof property.description === "string" ? property.description : null,
      options: isEnum ? (property.enum as unknown[]).map(String) : [],
      defaultValue: property.default,
      ...(typeof property.minimum === "number" ? { minimum: property.minimum } : {}),
      ...(typeof property.maximum === "number" ? { maximum: property.maximum } : {}),
      ...(typeof property.minLength === "number" ? { minLength: property.minLength } : {}),
      ...(typeof property.maxLength === "number" ? { maxLength: property.maxLength } : {}),
      ...(typeof property.pattern === "string" ? { pattern: property.pattern } : {}),
    };
  });
}

/** The text a field starts with: the deployment's parameter, else the schema default. */
export function initialText(field: SchemaField, value: unknown): string {
  const v = value === undefined ? field.defaultValue : value;
  if (v === undefined || v === null) return field.kind === "boolean" ? "false" : "";
  if (field.kind === "json") return JSON.stringify(v, null, 2);
  return String(v);
}

/** Parse the form's texts into parameters; errors name each bad field. */
export function parseFields(fields: SchemaField[], texts: Record<string, string>): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const text = (texts[field.name] ?? "").trim();
    if (text === "" && field.kind !== "boolean") {
      if (field.isRequired) errors[field.name] = "is required";
      continue;
    }
    switch (field.kind) {
      case "string":
      case "enum": {
        const value = texts[field.name] ?? "";
        if (field.minLength !== undefined && value.length < field.minLength) errors[field.name] = `must have at least ${field.minLength} characters`;
        else if (field.maxLength !== undefined && value.length > field.maxLength) errors[field.name] = `must have at most ${field.maxLength} characters`;
        else if (field.pattern !== undefined && !safePattern(field.pattern).test(value)) errors[field.name] = `must match the pattern ${field.pattern}`;
        else values[field.name] = value;
        break;
      }
      case "boolean":
        values[field.name] = text === "true";
        break;
      case "number":
      case "integer": {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[field.name] = "must be a number";
        else if (field.kind === "integer" && !Number.isInteger(n)) errors[field.name] = "must be an integer";
        else if (field.minimum !== undefined && n < field.minimum) errors[field.name] = `must be ≥ ${field.minimum}`;
        else if (field.maximum !== undefined && n > field.maximum) errors[field.name] = `must be ≤ ${field.maximum}`;
        else values[field.name] = n;
        break;
      }
      case "json":
        try {
          values[field.name] = JSON.parse(text);
        } catch {
          errors[field.name] = "must be valid JSON";
        }
        break;
    }
  }
  return { values, errors };
}

function safePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return /[\s\S]*/;
  }
}

/** Map server issues (`parameters.count`, `["parameters","count"]`) to field names; others under "". */
export function issuesByField(issues: ApiIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const parts = (Array.isArray(issue.path) ? issue.path.map(String) : String(issue.path).split(".")).filter((p) => p !== "");
    if (parts[0] === "parameters" || parts[0] === "input") parts.shift();
    const key = parts[0] ?? "";
    out[key] = out[key] ? `${out[key]}; ${issue.message}` : issue.message;
  }
  return out;
}
