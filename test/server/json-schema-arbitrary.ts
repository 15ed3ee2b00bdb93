/**
 * A fast-check arbitrary of values shaped by a JSON Schema (the subset zod emits): mostly valid
 * shapes with odd contents, so property tests reach past request validation into the services.
 */
import fc from "fast-check";

type Schema = Record<string, unknown>;

/** Values shaped like `schema`; `$ref`s resolve against `components` (`#/components/schemas/X`). */
export function arbitraryOfSchema(schema: Schema, components: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 4) return fc.constant(null);
  const ref = schema.$ref;
  if (typeof ref === "string") {
    const target = components[ref.split("/").pop() ?? ""];
    return target ? arbitraryOfSchema(target, components, depth + 1) : fc.jsonValue({ maxDepth: 1 });
  }
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (variants) return fc.oneof(...variants.map((variant) => arbitraryOfSchema(variant, components, depth + 1)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ("const" in schema) return fc.constant(schema.const);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === "string" ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => arbitraryOfSchema({ ...schema, type }, components, depth)));
  switch (types[0] ?? "any") {
    case "string":
      return schema.format === "date-time"
        ? fc.date({ min: new Date("1970-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }).map((date) => date.toISOString())
        : fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom("default", "x", "a/b", "0", " "));
    case "integer":
      return fc.oneof(fc.integer({ min: -2, max: 5 }), fc.integer());
    case "number":
      return fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(arbitraryOfSchema((schema.items ?? {}) as Schema, components, depth + 1), { maxLength: 3 });
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      if (Object.keys(properties).length === 0) return fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      const entries = Object.entries(properties).map(([name, property]) => [name, arbitraryOfSchema(property, components, depth + 1)] as const);
      return fc.record(Object.fromEntries(entries), { requiredKeys: [...required].filter((name) => name in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
