import type { z } from "zod";
import { commonSchemas } from "./common.js";
import { customerSchemas } from "./customers.js";
import { exactTest } from "./exact.js";
import { licenseSchemas } from "./licenses.js";
import type { ResponseSchema, ValidationMode } from "./modes.js";
import { subscriptionSchemas } from "./subscriptions.js";
import { upgradeSchemas } from "./upgrades.js";

/** Every response body schema, by its name in the spec's components/schemas. */
export const responseSchemas = {
  SubscribedSkuCollection: licenseSchemas.subscribedSkus,
  SubscribedSku: licenseSchemas.subscribedSku,
  LicenseCollection: licenseSchemas.licenses,
  License: licenseSchemas.license,
  LicenseUpdate: licenseSchemas.licenseUpdate,
  Subscription: subscriptionSchemas.subscription,
  UpgradeCollection: upgradeSchemas.upgrades,
  Upgrade: upgradeSchemas.upgrade,
  UpgradeResult: upgradeSchemas.upgradeResult,
  CustomerCollection: customerSchemas.customers,
  Customer: customerSchemas.customer,
  CustomerUserCollection: customerSchemas.customerUsers,
  CustomerUser: customerSchemas.customerUser,
  SubscriptionCollection: customerSchemas.subscriptions,
  ServiceFault: commonSchemas.serviceFault,
  ThrottleFault: commonSchemas.throttleFault,
} as const;

/** The spec name of a response body schema. */
export type ResponseSchemaName = keyof typeof responseSchemas;
/** The parsed type of the response schema named `Name`. */
export type ResponseOf<Name extends ResponseSchemaName> = z.output<(typeof responseSchemas)[Name]["lenient"]>;
/** The outcome of {@link parseResponse}: the parsed value, or readable problems. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** At most this many problems are reported; the rest are counted in one last line. */
export const MAX_PROBLEMS = 10;

/**
 * Bodies nested deeper than this are refused. A real answer nests under ten levels; a much deeper one would
 * pass the open schemas (unknown fields are kept unchecked) and then overflow the stack of structuredClone or
 * JSON.stringify when `modify` copies a subscription or `perform` sends an upgrade back.
 */
export const MAX_DEPTH = 100;

/**
 * Checks a response body. `schema` is a spec name, a {@link ResponseSchema} (the mode picks its lenient
 * or strict build), or a plain zod schema (used as is in both modes). Mode "off" returns `body` untouched
 * and unchecked, trusting that it has type T. A body zod would return unchanged (see exact.ts) is returned
 * itself, not a copy.
 * @example
 * const result = parseResponse("Subscription", await response.json(), "lenient");
 * if (!result.ok) throw new Error(result.problems.join("\n"));
 */
export function parseResponse<Name extends ResponseSchemaName>(
  schema: Name,
  body: unknown,
  mode?: ValidationMode,
): ParseResult<ResponseOf<Name>>;
export function parseResponse<T>(schema: ResponseSchema<T> | z.ZodType<T>, body: unknown, mode?: ValidationMode): ParseResult<T>;
export function parseResponse(
  schema: ResponseSchemaName | ResponseSchema<unknown> | z.ZodType,
  body: unknown,
  mode: ValidationMode = "lenient",
): ParseResult<unknown> {
  if (mode === "off") return { ok: true, value: body };
  if (nestedDeeperThan(body, MAX_DEPTH)) return { ok: false, problems: [`(body): nested deeper than ${MAX_DEPTH} levels`] };
  const resolved = typeof schema === "string" ? responseSchemas[schema] : schema;
  const zodSchema = "lenient" in resolved ? resolved[mode] : resolved;
  // An answer that already is what zod would return is returned as it is, without zod's copy (see exact.ts).
  if (exactTest(zodSchema)?.(body)) return { ok: true, value: body };
  const result = zodSchema.safeParse(body);
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: describeProblems(result.error.issues) };
}

/** Zod issues as `path: message` lines (`items[0].quantity: ...`), at most {@link MAX_PROBLEMS}. */
export function describeProblems(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues.slice(0, MAX_PROBLEMS).map((issue) => `${issuePath(issue.path, "(body)")}: ${issue.message}`);
  const rest = issues.length - MAX_PROBLEMS;
  return rest > 0 ? [...lines, `...and ${rest} more problem${rest === 1 ? "" : "s"}`] : lines;
}

/** A zod issue path as `items[0].quantity`; `whole` names the value itself (an empty path). */
export function issuePath(path: readonly PropertyKey[], whole: string): string {
  const text = path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
  return text.replace(/^\./, "") || whole;
}

// Recursive and bounded by `limit`: a body nested deeper stops the walk there, so the stack never grows past it.
function nestedDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) return value.some((item) => nestedDeeperThan(item, limit - 1));
  for (const key in value) if (nestedDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}
