import { readFileSync } from "node:fs";
import { JSONSchemaFaker } from "json-schema-faker";
import { describe, expect, test } from "vitest";
import YAML from "yaml";
import { parseResponse, type ResponseSchemaName, responseSchemas } from "../../src/schemas.js";
import { seededRandom } from "../helpers.js";

// The compile-time drift check (schemas-types.test.ts) compares types; this one compares what is accepted. Bodies
// are generated from the spec's own schemas (every optional field present, each nullable one null about half the
// time) and the lenient zod schemas must accept every one of them: a `nullable` dropped from a zod schema, or a
// type narrowed there, fails here with the path of the field.

type Json = Record<string, unknown>;
const spec = YAML.parse(readFileSync(new URL("../../openapi/partner-center.yaml", import.meta.url), "utf8")) as {
  components: { schemas: Record<string, Json> };
};
const specSchemas = spec.components.schemas;

/**
 * An OpenAPI 3.0 schema as plain JSON Schema: refs inlined, `nullable` as a null branch, OpenAPI-only keys dropped.
 * `additionalProperties` is dropped too: open objects stay open in zod, and the generator makes the named fields only.
 */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== "object" || schema === null) return schema;
  const { $ref, nullable, readOnly, example, description, additionalProperties, ...rest } = schema as Json;
  if (typeof $ref === "string") return toJsonSchema(specSchemas[$ref.replace("#/components/schemas/", "")]);
  // The spec's way to write "or null" beside a mixed union: a null-only string enum.
  if (nullable === true && Array.isArray(rest.enum) && rest.enum.length === 1 && rest.enum[0] === null) return { type: "null" };
  const converted: Json = {};
  for (const [key, value] of Object.entries(rest)) converted[key] = key === "properties" ? mapValues(value as Json) : toJsonSchema(value);
  if (nullable !== true) return converted;
  return typeof converted.type === "string" && !converted.allOf && !converted.anyOf && !converted.oneOf
    ? { ...converted, type: [converted.type, "null"], ...(converted.enum ? { enum: [...(converted.enum as unknown[]), null] } : {}) }
    : { anyOf: [converted, { type: "null" }] };
}

function mapValues(properties: Json): Json {
  return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, toJsonSchema(value)]));
}

const BODIES = 60;

JSONSchemaFaker.option({
  alwaysFakeOptionals: true,
  fillProperties: false,
  useExamplesValue: false,
  useDefaultValue: false,
  maxItems: 3,
});

// Each schema gets its own seeded sequence, so its bodies do not depend on which schemas ran before it.
function bodiesOf(name: string): unknown[] {
  JSONSchemaFaker.option({ random: seededRandom(20_240_611) });
  const schema = toJsonSchema(specSchemas[name]) as Json;
  return Array.from({ length: BODIES }, () => JSONSchemaFaker.generate(schema as never));
}

describe("the lenient zod schemas accept every body the spec accepts", () => {
  test.each(Object.keys(responseSchemas) as ResponseSchemaName[])("%s", (name) => {
    const refused: string[] = [];
    let nulls = 0;
    for (const body of bodiesOf(name)) {
      nulls += JSON.stringify(body).split("null").length - 1;
      const parsed = parseResponse(name, body, "lenient");
      if (!parsed.ok) refused.push(`${parsed.problems.join("; ")} in ${JSON.stringify(body).slice(0, 300)}`);
    }
    expect(refused).toEqual([]);
    // The generator did reach the nullable fields (a test whose bodies hold no null could not catch a dropped nullable).
    expect(nulls).toBeGreaterThan(BODIES / 2);
  });
});

describe("the generator follows the spec", () => {
  test("a nullable field is null in some bodies and a value in others", () => {
    const values = bodiesOf("Subscription").map((body) => (body as Json).cancellationAllowedUntilDate);
    expect(values).toContain(null);
    expect(values.some((value) => typeof value === "string")).toBe(true);
  });

  test("a field the spec does not make nullable is never null", () => {
    const items = bodiesOf("SubscribedSkuCollection").map((body) => (body as Json).items);
    expect(items.every(Array.isArray)).toBe(true);
  });
});
