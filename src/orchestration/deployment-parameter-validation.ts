/**
 * Validation of deployment run parameters against the stored JSON Schema: the subset that
 * `z.toJSONSchema` (and most Standard Schema libraries) emit — `type` (one or a list), `enum`,
 * `const`, `required`, `properties`, `additionalProperties`, `items`/`prefixItems`, string
 * length and `pattern`, number bounds (inclusive and exclusive), array sizes, `anyOf`/`oneOf`/
 * `allOf`, and local `$ref`s (`#/$defs/...`, `#/definitions/...`). Unknown keywords are ignored,
 * so a richer schema is never refused, only checked less strictly.
 */
import type { FieldIssue } from "../core/weir-error.js";

type Schema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

function resolveRef(root: Schema, ref: string): Schema | null {
  if (!ref.startsWith("#")) return null;
  let node: unknown = root;
  for (const part of ref.slice(1).split("/").filter(Boolean)) {
    if (typeof node !== "object" || node === null) return null;
    node = (node as Schema)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return typeof node === "object" && node !== null ? (node as Schema) : null;
}

function join(path: string, key: string | number): string {
  return path === "" ? String(key) : `${path}.${key}`;
}

function checkNumber(schema: Schema, value: number, path: string, issues: FieldIssue[]): void {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
  if (typeof minimum === "number" && value < minimum) issues.push({ path, message: `must be ≥ ${minimum}` });
  if (typeof maximum === "number" && value > maximum) issues.push({ path, message: `must be ≤ ${maximum}` });
  if (typeof exclusiveMinimum === "number" && value <= exclusiveMinimum) issues.push({ path, message: `must be > ${exclusiveMinimum}` });
  if (typeof exclusiveMaximum === "number" && value >= exclusiveMaximum) issues.push({ path, message: `must be < ${exclusiveMaximum}` });
  if (typeof multipleOf === "number" && multipleOf > 0 && Math.abs(value / multipleOf - Math.round(value / multipleOf)) > 1e-9) {
    issues.push({ path, message: `must be a multiple of ${multipleOf}` });
  }
}

function checkString(schema: Schema, value: string, path: string, issues: FieldIssue[]): void {
  const length = [...value].length;
  if (typeof schema.minLength === "number" && length < schema.minLength) issues.push({ path, message: `must have at least ${schema.minLength} characters` });
  if (typeof schema.maxLength === "number" && length > schema.maxLength) issues.push({ path, message: `must have at most ${schema.maxLength} characters` });
  if (typeof schema.pattern === "string") {
    let pattern: RegExp | null = null;
    try {
      pattern = new RegExp(schema.pattern, "u");
    } catch {
      pattern = null;
    }
    if (pattern && !pattern.test(value)) issues.push({ path, message: `must match the pattern ${schema.pattern}` });
  }
}

function checkObjectValue(root: Schema, schema: Schema, value: Record<string, unknown>, path: string, issues: FieldIssue[]): void {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  if (Array.isArray(schema.required)) {
    for (const key of schema.required) {
      if (typeof key === "string" && value[key] === undefined) issues.push({ path: join(path, key), message: "is required" });
    }
  }
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const propertySchema = properties[key];
    if (propertySchema !== undefined) {
      collect(root, propertySchema, item, join(path, key), issues);
    } else if (schema.additionalProperties === false) {
      issues.push({ path: join(path, key), message: "is not an expected field" });
    } else if (typeof schema.additionalProperties === "object" && schema.additionalProperties !== null) {
      collect(root, schema.additionalProperties as Schema, item, join(path, key), issues);
    }
  }
}

function checkArrayValue(root: Schema, schema: Schema, value: unknown[], path: string, issues: FieldIssue[]): void {
  if (typeof schema.minItems === "number" && value.length < schema.minItems) issues.push({ path, message: `must have at least ${schema.minItems} items` });
  if (typeof schema.maxItems === "number" && value.length > schema.maxItems) issues.push({ path, message: `must have at most ${schema.maxItems} items` });
  const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as Schema[]) : [];
  value.forEach((item, index) => {
    const itemSchema = prefix[index] ?? (typeof schema.items === "object" && schema.items !== null ? (schema.items as Schema) : undefined);
    if (itemSchema) collect(root, itemSchema, item, join(path, index), issues);
  });
}

function collect(root: Schema, schema: Schema | boolean, value: unknown, path: string, issues: FieldIssue[]): void {
  if (schema === true) return;
  if (schema === false) {
    issues.push({ path, message: "is not allowed" });
    return;
  }
  if (typeof schema.$ref === "string") {
    const target = resolveRef(root, schema.$ref);
    if (target) collect(root, target, value, path, issues);
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    issues.push({ path, message: `must be ${JSON.stringify(schema.const)}` });
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    issues.push({ path, message: `must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}` });
    return;
  }
  const types = typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : null;
  if (types && !types.some((type) => matchesType(value, type))) {
    issues.push({ path, message: `must be ${types.join(" or ")}, got ${typeOf(value)}` });
    return;
  }
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const options = schema[keyword];
    if (Array.isArray(options) && options.length > 0) {
      const passing = (options as Schema[]).filter((option) => validateAgainstJsonSchema(option, value, root).length === 0).length;
      if (passing === 0 || (keyword === "oneOf" && passing > 1)) {
        const nested: FieldIssue[] = [];
        collect(root, options[0] as Schema, value, path, nested);
        issues.push(nested[0] ?? { path, message: `does not match the ${keyword} alternatives` });
        return;
      }
    }
  }
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf as Schema[]) collect(root, part, value, path, issues);
  if (typeof value === "number") checkNumber(schema, value, path, issues);
  else if (typeof value === "string") checkString(schema, value, path, issues);
  else if (Array.isArray(value)) checkArrayValue(root, schema, value, path, issues);
  else if (typeof value === "object" && value !== null) checkObjectValue(root, schema, value as Record<string, unknown>, path, issues);
}

/**
 * Check `value` against a JSON Schema; returns every problem with the dotted path of its field
 * (empty when valid). `root` resolves `$ref`s (defaults to `schema`).
 * @example validateAgainstJsonSchema({ type: "object", required: ["name"] }, {}) // [{ path: "name", message: "is required" }]
 */
export function validateAgainstJsonSchema(schema: Schema | boolean, value: unknown, root?: Schema): FieldIssue[] {
  const issues: FieldIssue[] = [];
  collect(root ?? (typeof schema === "object" ? schema : {}), schema, value, "", issues);
  return issues;
}
