import { z } from "zod";
import { InvalidInputError } from "./errors.js";
import { issuePath } from "./schemas/parse.js";

/**
 * Input checks run before any request leaves the process. Nothing is trimmed or otherwise changed: a value goes
 * out exactly as the caller wrote it, or is refused with InvalidInputError. Each public method validates all of its
 * arguments at once, so an InvalidInputError lists every problem, not just the first.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Control characters never appear in ids, names or SKUs; refusing them keeps CR/LF out of headers and logs.
const CONTROL = /[\u0000-\u001f\u007f]/;
// A lone UTF-16 surrogate has no UTF-8 form: encodeURIComponent throws on it, so it could never reach a path or query.
const LONE_SURROGATE = /\p{Cs}/u;
// Header values are bytes: fetch throws on a character beyond U+00FF instead of sending it.
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

/** A GUID such as a customer (tenant) id or subscription id. */
export const guid = z.string({ error: "must be a string" }).regex(GUID, { error: "must be a GUID" });

/** A user's object id (GUID) or user principal name. */
export const userId = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .max(1024, { error: "must be at most 1024 characters" })
  .refine((value) => !CONTROL.test(value), { error: "must not contain control characters" })
  .refine((value) => value.trim() === value, { error: "must not start or end with white space (it would be sent as written)" })
  .refine((value) => !LONE_SURROGATE.test(value), { error: "must not contain a lone surrogate (malformed Unicode)" })
  // "." and ".." would be folded away by URL normalisation and send the call to another resource.
  .refine((value) => value !== "." && value !== "..", { error: "must not be '.' or '..'" });

/** An identifier used as a value (SKU id, service plan id). */
export const identifier = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .refine((value) => !CONTROL.test(value), { error: "must not contain control characters" })
  .refine((value) => value.trim() === value, { error: "must not start or end with white space (it would be sent as written)" })
  .refine((value) => !LONE_SURROGATE.test(value), { error: "must not contain a lone surrogate (malformed Unicode)" });

/** A header value set by the caller (application name, locale). */
export const headerText = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .refine((value) => !CONTROL.test(value), { error: "must not contain control characters" })
  .refine((value) => !BEYOND_LATIN1.test(value), { error: "must not contain characters beyond U+00FF (it is sent in an HTTP header)" });

const KNOWN_GROUPS = new Map([
  ["group1", "Group1"],
  ["group2", "Group2"],
]);

/**
 * A license group as the query parameter writes it: every docs example and the .NET SDK send `Group1`/`Group2`
 * while answers carry `group1`/`group2`. The two known groups are sent in that form whatever case the caller
 * writes; any other value must be a plain identifier and goes out as written.
 */
export const licenseGroupId = identifier.transform((value) => KNOWN_GROUPS.get(value.toLowerCase()) ?? value);

/** A positive whole number (a quantity). */
export const positiveInteger = z
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .positive({ error: "must be positive" });

/** The `signal` option of the per-call and the bulk options. */
export const abortSignal = z.instanceof(AbortSignal, { error: "must be an AbortSignal" });

/**
 * The per-call options every method takes last. Other keys are dropped from the parsed copy rather than
 * kept: methods intersect these with their own options (`.and`), and a key kept as given here but trimmed
 * there (licenseGroupIds) would make zod throw "Unmergable intersection". Methods read the caller's options.
 */
export const callOptions = z
  .object({
    signal: abortSignal.optional(),
    requestId: guid.optional(),
    correlationId: guid.optional(),
  })
  .optional();

/** A value that can be sent as a header (an etag): printable ASCII, no line breaks. */
export const headerSafe = (what: string) =>
  z
    .string({ error: "must be a string" })
    .min(1, { error: `must not be empty; ${what}` })
    .refine((value) => value.trim() !== "", { error: `must not be blank; ${what}` })
    .regex(/^[\x20-\x7e]+$/, { error: "must be printable ASCII (it is sent in a header)" });

/** True when JSON can carry the value (no BigInt, no cycle): a body that cannot be written is refused up front. */
export function isJsonSafe(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}

/** One license to assign: a SKU, and plans of it to leave out. */
export const licenseAssignment = z.object({
  skuId: identifier,
  excludedPlans: z.array(identifier).nullable().optional(),
});

/** A license change: at least one license to assign or remove. */
export const licenseChange = z
  .object({
    licensesToAssign: z.array(licenseAssignment).optional(),
    licensesToRemove: z.array(identifier).optional(),
  })
  .refine((change) => (change.licensesToAssign?.length ?? 0) + (change.licensesToRemove?.length ?? 0) > 0, {
    error: "must assign or remove at least one license",
  });

/**
 * Checks `args` against `shape` (one schema per named argument) and returns the parsed values, or throws
 * an InvalidInputError naming the operation and every problem found.
 */
export function validate<Shape extends z.ZodRawShape>(
  operation: string,
  shape: Shape,
  args: { [K in keyof Shape]: unknown },
): z.output<z.ZodObject<Shape>> {
  const result = compiled(operation, shape).safeParse(args);
  if (result.success) return result.data as z.output<z.ZodObject<Shape>>;
  throw new InvalidInputError(operation, describeIssues(result.error.issues));
}

// Building a z.object compiles its parser on first use, which cost ~90 µs a call when done per call (measured in-process):
// each operation's is built once and reused while the shape holds the same schemas.
const objectSchemas = new Map<string, { shape: z.ZodRawShape; schema: z.ZodObject }>();

function compiled(operation: string, shape: z.ZodRawShape): z.ZodObject {
  const cached = objectSchemas.get(operation);
  if (cached && sameShape(cached.shape, shape)) return cached.schema;
  const schema = z.object(shape);
  objectSchemas.set(operation, { shape, schema });
  return schema;
}

function sameShape(a: z.ZodRawShape, b: z.ZodRawShape): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Turns zod issues into `path message` lines ("customerId must be a GUID"). */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issuePath(issue.path, "input")} ${issue.message}`);
}
