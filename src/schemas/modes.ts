import { z } from "zod";

/**
 * How a response body is checked. Both checking modes keep unknown fields and normalise the enums that
 * arrive in several forms (UpgradeType, UpgradeErrorCode); they differ only in enum fields:
 * - "lenient" (default): an enum value the library does not know passes through as a string, because the
 *   service adds values without notice and strict parsing broke the PowerShell module on `expired`.
 * - "strict": adds exactly one rule: every enum field must hold one of its known values (after
 *   normalisation). The enum fields: Subscription status, billingCycle, billingType, contractType;
 *   ProductSku and ServicePlan targetType; ProductSku licenseGroupId; Offer supportedBillingCycles[];
 *   Upgrade and UpgradeResult upgradeType; UpgradeError code. Types, unknown fields and nulls are
 *   treated exactly as in lenient mode. Useful in tests and monitoring, to learn of new values early.
 * - "off": no parsing at all; the body is returned untouched.
 */
export type ValidationMode = "strict" | "lenient" | "off";

/** The modes that parse, i.e. build a schema. */
export type CheckingMode = Exclude<ValidationMode, "off">;

/** A response schema built once per checking mode; parseResponse picks one by ValidationMode. */
export interface ResponseSchema<T, S extends z.ZodType = z.ZodType<T>> {
  readonly lenient: S;
  readonly strict: S;
}

/** Builds a group of schemas in both checking modes, keyed as the builder returns them. */
export function inBothModes<B extends Record<string, z.ZodType>>(
  build: (mode: CheckingMode) => B,
): { [K in keyof B]: ResponseSchema<z.output<B[K]>, B[K]> } {
  const lenient = build("lenient");
  const strict = build("strict");
  const entries = Object.keys(lenient).map((key) => [key, { lenient: lenient[key], strict: strict[key] }]);
  return Object.fromEntries(entries) as { [K in keyof B]: ResponseSchema<z.output<B[K]>, B[K]> };
}

/**
 * An object schema that keeps every field it does not know (never strips: a subscription read and written
 * back must lose nothing), typed with only the fields it knows, like the generated types. The type claims
 * `$strip` on purpose: the `$loose` type would add an index signature that turns a misspelt property into
 * `unknown` instead of a compile error. Subscription, which the spec marks `additionalProperties: true`,
 * uses z.looseObject directly and keeps its index signature.
 */
export function openObject<Shape extends z.ZodRawShape>(shape: Shape): z.ZodObject<Shape, z.core.$strip> {
  return z.looseObject(shape) as unknown as z.ZodObject<Shape, z.core.$strip>;
}
