import { z } from "zod";
import type { CallOptions } from "../context.js";
import type { InvalidInputError, PartnerCenterError } from "../errors.js";
import type { SubscribedSku } from "../schemas.js";
import { abortSignal, guid, licenseChange, userId, validate } from "../validation.js";
import type { BulkLicenseItem } from "./bulk.js";
import type { LicenseChange, LicenseOperations } from "./licenses.js";
import { type CustomerReads, readCustomers } from "./plan-reads.js";
import type { UserOperations } from "./users.js";

/** What a plan expects of a row, worst first: the first that applies is the row's verdict. */
export const PLAN_VERDICTS = [
  "invalid",
  "unchecked",
  "user-not-found",
  "sku-not-owned",
  "mixed-license-groups",
  "out-of-units",
  "ok",
] as const;
/** A plan's verdict on one row. */
export type PlanVerdict = (typeof PLAN_VERDICTS)[number];

/** One row of a plan: the fields of a bulk run's result, and what the run would meet. */
export interface BulkPlanRow {
  index: number;
  item: BulkLicenseItem;
  /** The row's own MS-RequestId, if it brings one; a plan sends no write, so it makes none. */
  requestId: string | undefined;
  /** True when nothing the plan can see stops the row. */
  ok: boolean;
  verdict: PlanVerdict;
  /** Every problem found, in words; empty when `ok`. */
  problems: string[];
  /** Why the row could not be checked (`invalid`, `unchecked`). */
  error?: PartnerCenterError;
}

/** Options of {@link LicensePlanOperations.planBulk}. */
export interface PlanOptions extends Pick<CallOptions, "signal"> {
  /** Reads in flight at once; default 8. */
  concurrency?: number;
}

/** The plan added to `pc.licenses`. */
export interface LicensePlanOperations {
  /**
   * Checks a bulk license run before it writes anything. Reads each customer's subscribed SKUs once, and its users
   * (one read per user, or the customer's user list when that is fewer calls), then tells per row: a SKU the customer
   * does not own, a user that does not exist, a row mixing license groups (the service takes one group per change),
   * or more assignments of a SKU than the customer has free units plus the removals of the run free up (the 60012 the
   * run would meet). Makes no writes.
   * @example
   * const plan = await pc.licenses.planBulk(rows);
   * for (const row of plan.filter((row) => !row.ok)) console.log(row.index, row.verdict, row.problems.join("; "));
   */
  planBulk(items: Iterable<BulkLicenseItem> | AsyncIterable<BulkLicenseItem>, options?: PlanOptions): Promise<BulkPlanRow[]>;
}

const planOptions = z
  .object({
    signal: abortSignal.optional(),
    concurrency: z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(1).max(64).optional(),
  })
  .loose()
  .optional();
const iterable = z.custom<unknown>(
  (value) => typeof value === "object" && value !== null && (Symbol.iterator in value || Symbol.asyncIterator in value),
  {
    error: "must be an iterable or async iterable of items",
  },
);

interface Row {
  index: number;
  item: BulkLicenseItem;
  input?: { customerId: string; userId: string; change: LicenseChange };
  problems: Array<{ verdict: PlanVerdict; text: string }>;
  error?: PartnerCenterError;
}

/** Builds `pc.licenses.planBulk` over the client's usual (retrying) license and user reads. */
export function createLicensePlanOperations(licenses: LicenseOperations, users: UserOperations): LicensePlanOperations {
  return {
    async planBulk(items, options) {
      validate("licenses.planBulk", { items: iterable, options: planOptions }, { items, options });
      const rows = await readRows(items);
      const valid = rows.filter((row) => row.input !== undefined);
      const reads = await readCustomers(
        valid.map((row) => row.input!),
        { licenses, users },
        { signal: options?.signal, concurrency: options?.concurrency ?? 8 },
      );
      for (const row of valid) judgeRow(row, reads.get(row.input!.customerId.toLowerCase())!);
      checkUnits(valid, reads);
      return rows.map(toPlanRow);
    },
  };
}

async function readRows(items: Iterable<BulkLicenseItem> | AsyncIterable<BulkLicenseItem>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const item of items) {
    const row: Row = { index: rows.length, item, problems: [] };
    try {
      const input = validate(
        "licenses.planBulk",
        { customerId: guid, userId, update: licenseChange },
        { customerId: item?.customerId, userId: item?.userId, update: item?.update },
      );
      row.input = { customerId: input.customerId, userId: input.userId, change: input.update };
    } catch (error) {
      row.error = error as InvalidInputError;
      row.problems.push(...(error as InvalidInputError).problems.map((text) => ({ verdict: "invalid" as const, text })));
    }
    rows.push(row);
  }
  return rows;
}

const skusOf = (change: LicenseChange) => [
  ...(change.licensesToAssign ?? []).map((license) => license.skuId),
  ...(change.licensesToRemove ?? []),
];

// The checks that need one row only: reads that failed, the user, the SKUs and their license groups.
function judgeRow(row: Row, reads: CustomerReads): void {
  const { userId: user, change } = row.input!;
  const problem = (verdict: PlanVerdict, text: string) => {
    row.problems.push({ verdict, text });
  };
  const userRead = reads.users.get(user.toLowerCase());
  if (reads.skuError || (userRead && userRead !== "found" && userRead !== "missing")) {
    row.error = reads.skuError ?? (userRead as PartnerCenterError);
    problem("unchecked", `could not be checked: ${row.error.message}`);
    return;
  }
  if (userRead === "missing") problem("user-not-found", `user ${user} does not exist in the customer's tenant`);
  const groups = new Set<string>();
  for (const skuId of skusOf(change)) {
    const sku = reads.skus.get(skuId.toLowerCase());
    if (!sku) problem("sku-not-owned", `SKU ${skuId} is not one the customer has bought`);
    else groups.add(String(sku.productSku?.licenseGroupId ?? "group1").toLowerCase());
  }
  if (groups.size > 1)
    problem("mixed-license-groups", `the row mixes license groups (${[...groups].join(", ")}); one change takes one group`);
}

// Per customer and SKU: the assignments, in input order, that go past the free units plus the run's removals.
function checkUnits(rows: Row[], reads: Map<string, CustomerReads>): void {
  const clean = rows.filter((row) => row.problems.length === 0);
  const key = (row: Row, skuId: string) => `${row.input!.customerId.toLowerCase()} ${skuId.toLowerCase()}`;
  const freed = new Map<string, number>();
  for (const row of clean)
    for (const skuId of row.input!.change.licensesToRemove ?? []) freed.set(key(row, skuId), (freed.get(key(row, skuId)) ?? 0) + 1);
  const assigned = new Map<string, number>();
  for (const row of clean) {
    for (const { skuId } of row.input!.change.licensesToAssign ?? []) {
      const at = key(row, skuId);
      const count = (assigned.get(at) ?? 0) + 1;
      assigned.set(at, count);
      const sku = reads.get(row.input!.customerId.toLowerCase())!.skus.get(skuId.toLowerCase())!;
      const free = freeUnits(sku);
      const removals = freed.get(at) ?? 0;
      if (count > free + removals)
        row.problems.push({
          verdict: "out-of-units",
          text: `SKU ${skuId} runs out: this is assignment ${count} of the run, the customer has ${free} free and the run removes ${removals} (the service would answer 60012)`,
        });
    }
  }
}

function freeUnits(sku: SubscribedSku): number {
  if (typeof sku.availableUnits === "number") return sku.availableUnits;
  return Math.max(0, (sku.activeUnits ?? 0) - (sku.consumedUnits ?? 0));
}

function toPlanRow(row: Row): BulkPlanRow {
  const worst = PLAN_VERDICTS.find((verdict) => row.problems.some((problem) => problem.verdict === verdict)) ?? "ok";
  const requestId = typeof row.item?.requestId === "string" ? row.item.requestId : undefined;
  return {
    index: row.index,
    item: row.item,
    requestId,
    ok: worst === "ok",
    verdict: worst,
    problems: row.problems.map((problem) => problem.text),
    ...(row.error && { error: row.error }),
  };
}
