import type { z } from "zod";

/**
 * A quick test, built once per zod schema, that a value already is what the schema's parse would return: true
 * only when zod would accept the value and give back an equal copy of it. parseResponse then returns the answer
 * as parsed from JSON, and zod runs only when the test says false (to find the problems, or to transform).
 *
 * Why by hand: zod copies what it parses, allocating two objects for every key of the schema, present or not.
 * A subscription answer cost about 5 KB of garbage and 13-18 µs of a call's CPU in a profile of 32 calls in flight
 * (bench/overhead.ts), more than anything else the client adds to bare openapi-fetch; this test allocates nothing.
 *
 * It knows only the schemas that cannot change a value: strings (optionally with a regex), numbers and integers,
 * booleans, unknown, optional, nullable, arrays, loose objects, records of unknown, and unions of these. A schema with anything else
 * (a union with any other option, a transform, a default, a refinement, as in strict mode's enum checks) gets no test and is always
 * parsed by zod. The test is stricter than zod where that keeps it simple (plain objects only), never looser:
 * the exact-test block of test/unit/schemas.test.ts holds it to zod's own parse.
 */
export type ExactTest = (value: unknown) => boolean;

const built = new WeakMap<z.ZodType, ExactTest | null>();

/** The test for `schema`, or undefined when the schema may change what it parses (zod must then run). */
export function exactTest(schema: z.ZodType): ExactTest | undefined {
  let test = built.get(schema);
  if (test === undefined) {
    test = build(schema) ?? null;
    built.set(schema, test);
  }
  return test ?? undefined;
}

const isString: ExactTest = (value) => typeof value === "string";
const isBoolean: ExactTest = (value) => typeof value === "boolean";
// zod refuses NaN and the infinities as numbers; an integer must be a safe one.
const isNumber: ExactTest = (value) => typeof value === "number" && Number.isFinite(value);
const isInteger: ExactTest = (value) => Number.isSafeInteger(value);
const isAnything: ExactTest = () => true;

function build(schema: z.ZodType): ExactTest | undefined {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  const checks = (def.checks ?? []) as readonly z.core.$ZodCheck[];
  // A coercing schema turns what it is given into its type.
  if (def.coerce) return undefined;
  switch (def.type) {
    case "string":
      // A format schema (z.email(), z.uuid(), z.iso.datetime()) is a string whose check is its own def, not a check.
      if (def.format !== undefined) return undefined;
      return checks.length === 0 ? isString : matching(checks);
    case "boolean":
      return checks.length === 0 ? isBoolean : undefined;
    case "number":
      if (checks.length > 0) return undefined;
      if (def.format === undefined) return isNumber;
      return def.format === "safeint" ? isInteger : undefined;
    case "unknown":
      return isAnything;
    case "optional":
    case "nullable": {
      const inner = build(def.innerType as z.ZodType);
      if (!inner || checks.length > 0) return undefined;
      const empty = def.type === "optional" ? undefined : null;
      return (value) => value === empty || inner(value);
    }
    case "array": {
      const element = build(def.element as z.ZodType);
      if (!element || checks.length > 0) return undefined;
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let i = 0; i < value.length; i += 1) if (!element(value[i])) return false;
        return true;
      };
    }
    case "object":
      return checks.length === 0 ? looseObject(def as unknown as z.core.$ZodObjectDef) : undefined;
    case "union": {
      // zod returns the first option's result; when every option returns what it was given, so does the union.
      const options = (def as unknown as z.core.$ZodUnionDef).options.map((option) => build(option as z.ZodType));
      if (checks.length > 0 || options.some((option) => option === undefined)) return undefined;
      const tests = options as ExactTest[];
      return (value) => tests.some((test) => test(value));
    }
    case "record": {
      const { keyType, valueType } = def as unknown as z.core.$ZodRecordDef;
      const anyKey = keyType._zod.def.type === "string" && (keyType._zod.def.checks ?? []).length === 0;
      const anyValue = valueType._zod.def.type === "unknown";
      return anyKey && anyValue && checks.length === 0 ? isPlainRecord : undefined;
    }
    default:
      return undefined;
  }
}

// A string with only regex checks, tested as zod tests them.
function matching(checks: readonly z.core.$ZodCheck[]): ExactTest | undefined {
  const patterns: RegExp[] = [];
  for (const check of checks) {
    const def = check._zod.def as z.core.$ZodCheckDef & { format?: string; pattern?: RegExp };
    if (def.check !== "string_format" || def.format !== "regex" || !def.pattern) return undefined;
    patterns.push(def.pattern);
  }
  return (value) => {
    if (typeof value !== "string") return false;
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      if (!pattern.test(value)) return false;
    }
    return true;
  };
}

// Only a loose object (unknown keys kept as they are) returns what it was given; one that strips them does not.
function looseObject(def: z.core.$ZodObjectDef): ExactTest | undefined {
  if (def.catchall?._zod.def.type !== "unknown") return undefined;
  const tests = new Map<string, ExactTest>();
  // As zod decides it: a key whose schema does not accept absence must be there.
  const required: string[] = [];
  for (const [key, field] of Object.entries(def.shape) as Array<[string, z.ZodType]>) {
    const test = build(field);
    if (!test) return undefined;
    // Absent keys pass any test that accepts absence, so only the keys an answer holds are walked.
    if (field._zod.optin === undefined) required.push(key);
    else if (!test(undefined)) return undefined;
    tests.set(key, test);
  }
  return (value) => {
    if (!isPlainObject(value)) return false;
    const record = value as Record<string, unknown>;
    for (const key of required) if (!(key in record)) return false;
    for (const key in record) {
      // zod's copy would turn an own "__proto__" key into the copy's prototype.
      if (key === "__proto__") return false;
      const test = tests.get(key);
      if (test !== undefined && !test(record[key])) return false;
    }
    return true;
  };
}

// Objects as JSON.parse makes them (their own string keys are what zod's copy keeps); anything else is left to zod.
function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype;
}

// A record refuses symbol keys and drops an own "__proto__" from its copy.
function isPlainRecord(value: unknown): boolean {
  return isPlainObject(value) && !Object.hasOwn(value as object, "__proto__") && Object.getOwnPropertySymbols(value).length === 0;
}
