import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { exactTest } from "../../src/schemas/exact.js";

/**
 * The exact test against zod itself as the oracle: for a value as JSON.parse makes it, the test says true exactly
 * when zod accepts the value and returns an equal copy. Every schema kind the test knows is tried on values that
 * pass and values that fail at each level; the kinds it does not know must get no test at all.
 */
const values: readonly unknown[] = [
  "",
  "a",
  "aa",
  "ba",
  "b",
  0,
  1,
  -1,
  1.5,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  null,
  undefined,
  [],
  [1],
  [1, 2],
  [1, "x"],
  ["x", 1],
  ["a", "aa"],
  {},
  { a: "a" },
  { a: "aa", b: 1 },
  { a: "a", b: "x" },
  { a: 1 },
  { b: 1 },
  { a: "a", extra: { deep: [1] } },
  { a: "a", b: undefined },
  { n: 1 },
  { n: "1" },
];

const known: Record<string, z.ZodType> = {
  string: z.string(),
  "string with a regex": z.string().regex(/^a+$/),
  "string with two regexes": z
    .string()
    .regex(/a/)
    .regex(/^[ab]+$/),
  "string with a global regex": z.string().regex(/a/g),
  boolean: z.boolean(),
  number: z.number(),
  integer: z.int(),
  unknown: z.unknown(),
  "optional string": z.string().optional(),
  "nullable string": z.string().nullable(),
  "nullable optional number": z.number().nullable().optional(),
  "array of numbers": z.array(z.number()),
  "array of strings with a regex": z.array(z.string().regex(/^a+$/)),
  "loose object": z.looseObject({ a: z.string(), b: z.number().optional() }),
  "loose object with a nested array": z.looseObject({ a: z.string(), extra: z.looseObject({ deep: z.array(z.int()) }).optional() }),
  "loose object of unknown": z.looseObject({ n: z.unknown() }),
  union: z.union([z.string(), z.number()]),
  "union of objects": z.union([z.looseObject({ a: z.string() }), z.looseObject({ n: z.number() })]),
  record: z.record(z.string(), z.unknown()),
};

const unknownToTheTest: Record<string, z.ZodType> = {
  "string with a length check": z.string().min(1),
  "e-mail string": z.email(),
  "UUID string": z.uuid(),
  "date-time string": z.iso.datetime(),
  "coerced string": z.coerce.string(),
  // Its pattern alone takes "abc"; zod also wants a length that is a multiple of four.
  "base64 string": z.string().base64(),
  // A number format other than a safe integer (int32 has bounds).
  "32-bit integer": z.int32(),
  "boolean with a refinement": z.boolean().refine((value) => value),
  "number with a bound": z.number().min(0),
  "optional of a transform": z
    .string()
    .transform((value) => value.trim())
    .optional(),
  "optional with a refinement": z
    .string()
    .optional()
    .refine(() => true),
  "nullable with a refinement": z
    .string()
    .nullable()
    .refine(() => true),
  "array of a default": z.array(z.string().default("x")),
  "array with a length check": z.array(z.string()).min(1),
  "object that strips unknown keys": z.object({ a: z.string() }),
  "strict object": z.strictObject({ a: z.string() }),
  "loose object with a default": z.looseObject({ a: z.string().default("x") }),
  "loose object with a refinement": z.looseObject({ a: z.string() }).refine(() => true),
  "union with a transform": z.union([z.string(), z.number().transform(String)]),
  "union with a refinement": z.union([z.string(), z.number()]).refine(() => true),
  "record of numbers": z.record(z.string(), z.number()),
  "record with checked keys": z.record(z.string().regex(/^a/), z.unknown()),
  "record with enum keys": z.record(z.enum(["a"]), z.unknown()),
  "record with a refinement": z.record(z.string(), z.unknown()).refine(() => true),
  enum: z.enum(["a", "b"]),
  literal: z.literal("a"),
  date: z.date(),
};

describe("exactTest agrees with zod's parse", () => {
  it.each(Object.entries(known))("%s", (_, schema) => {
    const exact = exactTest(schema);
    expect(exact).toBeTypeOf("function");
    for (const value of values) {
      const parsed = schema.safeParse(value);
      const zodKeepsIt = parsed.success && isDeepStrictEqual(parsed.data, value);
      expect({ value, exact: exact!(value) }).toEqual({ value, exact: zodKeepsIt });
    }
  });

  it.each(Object.entries(unknownToTheTest))("%s gets no test", (_, schema) => {
    expect(exactTest(schema)).toBeUndefined();
    // Asked again, the answer is the one remembered.
    expect(exactTest(schema)).toBeUndefined();
  });

  it("builds a schema's test once", () => {
    const schema = z.looseObject({ a: z.string() });
    expect(exactTest(schema)).toBe(exactTest(schema));
  });
});

describe("where the test is stricter than zod (plain objects only)", () => {
  const object = z.looseObject({ a: z.string() });
  const record = z.record(z.string(), z.unknown());

  it("leaves objects that are not plain to zod", () => {
    const bare = Object.assign(Object.create(null), { a: "a" });
    expect(exactTest(object)!(bare)).toBe(false);
    expect(exactTest(record)!(bare)).toBe(false);
    expect(exactTest(object)!(new Date())).toBe(false);
    expect(exactTest(record)!([])).toBe(false);
    expect(exactTest(record)!("a")).toBe(false);
    expect(exactTest(record)!(null)).toBe(false);
    expect(exactTest(object)!({ a: "a" })).toBe(true);
    expect(exactTest(record)!({ a: "a" })).toBe(true);
  });

  it("leaves an own __proto__ key to zod, whose copy would make it a prototype", () => {
    const body = JSON.parse('{"a":"a","__proto__":{"x":1}}');
    expect(exactTest(object)!(body)).toBe(false);
    expect(exactTest(record)!(body)).toBe(false);
    expect(exactTest(object)!(JSON.parse('{"__proto__":1,"a":"a"}'))).toBe(false);
  });

  it("leaves a record with a symbol key to zod", () => {
    expect(exactTest(record)!({ a: 1, [Symbol("s")]: 1 })).toBe(false);
  });
});
