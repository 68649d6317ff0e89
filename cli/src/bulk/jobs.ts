import type { BulkAutoRenewItem, BulkLicenseItem, BulkOptions, BulkResult, PartnerCenterClient } from "partner-center-client";
import { isGuid } from "../guid.js";

/** What a bulk command does with its rows: the columns it reads, how a row becomes an item, which bulk call runs them. */
export interface BulkJob<Item> {
  /** The command, as messages name it. */
  name: string;
  required: readonly string[];
  optional: readonly string[];
  /** The item a row stands for, or the problems that keep it from being sent. */
  toItem(row: Readonly<Record<string, string>>): Item | { problems: string[] };
  run(pc: PartnerCenterClient, items: AsyncIterable<Item>, options: BulkOptions): AsyncIterable<BulkResult<Item, unknown>>;
  /** What sending the item would do, in words (for `--dry-run`). */
  describe(item: Item): string;
}

// The ids the service takes as GUIDs; checked here too so that --dry-run finds what a run would refuse.
function guidProblems(row: Readonly<Record<string, string>>, columns: readonly string[]): string[] {
  return columns.flatMap((column) => {
    const value = row[column] ?? "";
    return isGuid(value) ? [] : [value === "" ? `${column} is empty` : `${column} must be a GUID, not "${value}"`];
  });
}

// Plans in one cell: separated by ";", "," or spaces (a comma needs the cell quoted in CSV).
const planList = (cell: string | undefined) => (cell ?? "").split(/[;,\s]+/).filter(Boolean);

/** `licenses bulk`: one row assigns or removes one SKU for one user. */
export const licenseJob: BulkJob<BulkLicenseItem> = {
  name: "licenses bulk",
  required: ["customerId", "userId", "action", "skuId"],
  optional: ["excludedPlans"],
  toItem(row) {
    const action = (row.action ?? "").trim().toLowerCase();
    const { customerId = "", userId = "", skuId = "" } = row;
    const excludedPlans = planList(row.excludedPlans);
    const problems = [...guidProblems(row, ["customerId"]), ...(userId === "" ? ["userId is empty"] : []), ...guidProblems(row, ["skuId"])];
    if (problems.length > 0) return { problems };
    if (action === "assign")
      return { customerId, userId, update: { licensesToAssign: [{ skuId, ...(excludedPlans.length > 0 && { excludedPlans }) }] } };
    if (action === "remove") {
      if (excludedPlans.length > 0) return { problems: ["excludedPlans only goes with action assign"] };
      return { customerId, userId, update: { licensesToRemove: [skuId] } };
    }
    return { problems: [`action must be assign or remove, not "${row.action ?? ""}"`] };
  },
  run: (pc, items, options) => pc.licenses.bulkUpdate(items, options),
  describe: ({ customerId, userId, update }) =>
    update.licensesToAssign
      ? `assign ${update.licensesToAssign.map(({ skuId, excludedPlans }) => `${skuId}${excludedPlans ? ` without ${excludedPlans.join(", ")}` : ""}`).join(", ")} to ${userId} of customer ${customerId}`
      : `remove ${(update.licensesToRemove ?? []).join(", ")} from ${userId} of customer ${customerId}`,
};

const SWITCH: Record<string, boolean> = { true: true, on: true, yes: true, "1": true, false: false, off: false, no: false, "0": false };

/** `subscription bulk-auto-renew`: one row turns one subscription's auto-renew on or off. */
export const autoRenewJob: BulkJob<BulkAutoRenewItem> = {
  name: "subscription bulk-auto-renew",
  required: ["customerId", "subscriptionId", "enabled"],
  optional: [],
  toItem(row) {
    const enabled = SWITCH[(row.enabled ?? "").trim().toLowerCase()];
    const problems = guidProblems(row, ["customerId", "subscriptionId"]);
    if (enabled === undefined) problems.push(`enabled must be true or false (or on/off, yes/no, 1/0), not "${row.enabled ?? ""}"`);
    if (problems.length > 0 || enabled === undefined) return { problems };
    return { customerId: row.customerId ?? "", subscriptionId: row.subscriptionId ?? "", enabled };
  },
  run: (pc, items, options) => pc.subscriptions.bulkSetAutoRenew(items, options),
  describe: ({ customerId, subscriptionId, enabled }) =>
    `turn auto-renew ${enabled ? "on" : "off"} for subscription ${subscriptionId} of customer ${customerId}`,
};
