import { z } from "zod";
import type { CheckingMode } from "./modes.js";

/**
 * Enum value lists (the spec's known values, checked against it by test/unit/schemas.test.ts) and the
 * schemas of enum fields. Unknown values always pass in lenient mode: the service adds values unannounced.
 */

/** A known value with autocomplete, or any other string the service may send. */
export type OpenEnum<Known extends string> = Known | (string & {});

/** Known Subscription `status` values. */
export const SUBSCRIPTION_STATUSES = ["none", "active", "suspended", "deleted", "expired", "pending", "disabled"] as const;
/** Known `billingCycle` values. */
export const BILLING_CYCLES = ["unknown", "monthly", "annual", "none", "one_time", "triennial", "biennial"] as const;
/** Known `billingType` values. */
export const BILLING_TYPES = ["none", "usage", "license", "benefit"] as const;
/** Known `contractType` values: as the service sends them, and as one docs table writes them. */
export const CONTRACT_TYPES = ["subscription", "product_key", "redemption_code", "productKey", "redemptionCode"] as const;
/** Known `targetType` values of SKUs and service plans (PascalCase on the wire). */
export const TARGET_TYPES = ["User", "Tenant"] as const;
/** Known license groups: group1 (Entra-managed products), group2 (Minecraft). */
export const LICENSE_GROUP_IDS = ["group1", "group2"] as const;
/** Known UpgradeType names; the index is the integer the service also sends. */
export const UPGRADE_TYPES = ["none", "upgrade_only", "upgrade_with_license_transfer"] as const;
/** Known UpgradeErrorCode names; the index is the integer the service also sends. */
export const UPGRADE_ERROR_CODES = [
  "other",
  "delegated_admin_permissions_disabled",
  "subscription_status_not_active",
  "conflicting_service_types",
  "concurrency_conflicts",
  "user_context_required",
  "subscription_add_ons_present",
  "subscription_does_not_have_any_upgrade_paths",
  "subscription_target_offer_not_found",
  "subscription_not_provisioned",
  "offer_does_not_support_billing_cycle",
  "insufficient_granular_admin_permissions",
] as const;

/** A known UpgradeType, in snake_case. */
export type UpgradeTypeName = (typeof UPGRADE_TYPES)[number];
/** A known UpgradeErrorCode, in snake_case. */
export type UpgradeErrorCodeName = (typeof UPGRADE_ERROR_CODES)[number];

/**
 * Maps an enum sent as an integer, a numeric string, snake_case or PascalCase to its snake_case name.
 * Case and underscores are ignored ("UpgradeOnly", "UPGRADE_ONLY", 1 and "1" all give "upgrade_only").
 * A value not in `names` is kept as given, as a string (42 -> "42"), so the output is always a string.
 */
function normalizeEnum<Name extends string>(names: readonly Name[], value: string | number): OpenEnum<Name> {
  if (typeof value === "number") return names[value] ?? String(value);
  if (/^\d+$/.test(value)) return names[Number(value)] ?? value;
  const squashed = squash(value);
  return names.find((name) => squash(name) === squashed) ?? value;
}

function squash(value: string): string {
  return value.replaceAll("_", "").toLowerCase();
}

/** UpgradeType as integer, snake_case or PascalCase -> snake_case name; unknown values kept (as a string). */
export function normalizeUpgradeType(value: string | number): OpenEnum<UpgradeTypeName> {
  return normalizeEnum(UPGRADE_TYPES, value);
}

/** UpgradeErrorCode as integer, snake_case or PascalCase -> snake_case name; unknown values kept (as a string). */
export function normalizeUpgradeErrorCode(value: string | number): OpenEnum<UpgradeErrorCodeName> {
  return normalizeEnum(UPGRADE_ERROR_CODES, value);
}

/** A string enum field: any string in lenient mode, one of `names` in strict mode. */
export function enumField<const Name extends string>(names: readonly Name[], mode: CheckingMode): z.ZodType<OpenEnum<Name>, string> {
  // Lenient mode builds no check at all: every answer of every call goes through these.
  const text = z.string() as z.ZodType<OpenEnum<Name>, string>;
  return mode === "lenient" ? text : text.refine((value) => isKnown(names, value), { error: (issue) => unknownValue(names, issue.input) });
}

/** An enum field sent as an integer or a string, normalised to its snake_case name. */
export function normalizedEnumField<const Name extends string>(
  names: readonly Name[],
  mode: CheckingMode,
): z.ZodType<OpenEnum<Name>, string | number> {
  const normalized = z
    .union([z.int(), z.string()], { error: "expected an integer or a string" })
    .transform((value) => normalizeEnum(names, value));
  return mode === "lenient"
    ? normalized
    : normalized.refine((value) => isKnown(names, value), { error: (issue) => unknownValue(names, issue.input) });
}

function isKnown(names: readonly string[], value: string): boolean {
  return names.includes(value);
}

function unknownValue(names: readonly string[], value: unknown): string {
  return `unknown value ${JSON.stringify(value)}; strict mode accepts ${names.join(", ")}`;
}
