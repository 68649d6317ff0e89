import { z } from "zod";
import { type BulkOptions, type BulkResult, runBulk } from "../bulk/run-bulk.js";
import type { LicenseUpdate, Subscription } from "../schemas.js";
import { abortSignal, validate } from "../validation.js";
import type { LicenseChange, LicenseOperations } from "./licenses.js";
import type { SubscriptionOperations } from "./subscriptions.js";

/** One user's license change in a bulk run. */
export interface BulkLicenseItem {
  customerId: string;
  userId: string;
  update: LicenseChange;
  isKickInstantOn?: boolean;
  /** MS-RequestId for this item (a GUID); give the one a failed run reported to make sending it again safe. Default: a new GUID. */
  requestId?: string;
}

/** One subscription's auto-renew setting in a bulk run. */
export interface BulkAutoRenewItem {
  customerId: string;
  subscriptionId: string;
  enabled: boolean;
  /** MS-RequestId for this item (a GUID); give the one a failed run reported to make sending it again safe. Default: a new GUID. */
  requestId?: string;
}

/** The bulk method added to `pc.licenses`. */
export interface LicenseBulkOperations {
  /**
   * Applies many users' license changes at the pace the service allows, streaming: items are read as they are
   * needed and each item's result (value or typed error) is yielded as it completes. Re-run only the failures by
   * feeding them back in, each with the `requestId` it was reported with if its write may have been applied.
   * @example
   * for await (const result of pc.licenses.bulkUpdate(rows, { onProgress: (p) => console.log(p.done, p.ratePerSecond) })) {
   *   if (!result.ok) failures.push({ ...result.item, requestId: result.requestId, error: result.error.message });
   * }
   */
  bulkUpdate(
    items: Iterable<BulkLicenseItem> | AsyncIterable<BulkLicenseItem>,
    options?: BulkOptions,
  ): AsyncIterable<BulkResult<BulkLicenseItem, LicenseUpdate>>;
}

/** The bulk method added to `pc.subscriptions`. */
export interface SubscriptionBulkOperations {
  /**
   * Sets auto-renew on many subscriptions at the pace the service allows, streaming each result as it completes.
   * @example
   * for await (const result of pc.subscriptions.bulkSetAutoRenew(ids.map((id) => ({ customerId, subscriptionId: id, enabled: false })))) {
   *   console.log(result.item.subscriptionId, result.ok ? "done" : result.error.message);
   * }
   */
  bulkSetAutoRenew(
    items: Iterable<BulkAutoRenewItem> | AsyncIterable<BulkAutoRenewItem>,
    options?: BulkOptions,
  ): AsyncIterable<BulkResult<BulkAutoRenewItem, Subscription>>;
}

const rate = z
  .object({
    initialPerSecond: z.number().positive().optional(),
    minPerSecond: z.number().positive().optional(),
    maxPerSecond: z.number().positive().optional(),
    beta: z.number().gt(0).lt(1).optional(),
    scale: z.number().positive().optional(),
  })
  .or(z.literal(false))
  .optional();
const slots = z
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be at least 1" })
  .max(1024, { error: "must be at most 1024" });
const bulkOptions = z
  .object({
    concurrency: slots.optional(),
    perCustomerConcurrency: slots.optional(),
    rate,
    perCustomerRate: rate,
    maxThrottleRetries: z.number().int().min(0).max(1000).optional(),
    lookahead: z.number().int().min(1).max(100_000).optional(),
    signal: abortSignal.optional(),
    onProgress: z.custom<BulkOptions["onProgress"]>((value) => typeof value === "function", { error: "must be a function" }).optional(),
  })
  .loose()
  .optional();
const iterable = z.custom<Iterable<unknown> | AsyncIterable<unknown>>(
  (value) => typeof value === "object" && value !== null && (Symbol.iterator in value || Symbol.asyncIterator in value),
  { error: "must be an iterable or async iterable of items" },
);

// Items are checked one by one as they run (a bad row becomes that row's InvalidInputError, not the
// whole run's), so only the source and the options are checked up front.
export function checkRun(operation: string, items: unknown, options: unknown): void {
  validate(operation, { items: iterable, options: bulkOptions }, { items, options });
}

const customerOf = (item: { customerId?: unknown } | null | undefined) => String(item?.customerId ?? "");
// A malformed id is left for the method's own check to refuse, as that item's InvalidInputError.
const requestIdOf = (item: { requestId?: unknown } | null | undefined) =>
  typeof item?.requestId === "string" ? item.requestId : undefined;

/** `pc.licenses.bulkUpdate`, over license operations whose client leaves 429s to the bulk runner. */
export function createLicenseBulkOperations(licenses: LicenseOperations): LicenseBulkOperations {
  return {
    bulkUpdate(
      items: Iterable<BulkLicenseItem> | AsyncIterable<BulkLicenseItem>,
      options?: BulkOptions,
    ): AsyncIterable<BulkResult<BulkLicenseItem, LicenseUpdate>> {
      checkRun("licenses.bulkUpdate", items, options);
      return runBulk(
        items,
        {
          customerOf,
          requestIdOf,
          run: (item, call) =>
            licenses.update(item?.customerId, item?.userId, item?.update, {
              ...call,
              ...(item?.isKickInstantOn !== undefined && { isKickInstantOn: item.isKickInstantOn }),
            }),
        },
        options,
      );
    },
  };
}

/** `pc.subscriptions.bulkSetAutoRenew`, over subscription operations whose client leaves 429s to the bulk runner. */
export function createSubscriptionBulkOperations(subscriptions: SubscriptionOperations): SubscriptionBulkOperations {
  return {
    bulkSetAutoRenew(
      items: Iterable<BulkAutoRenewItem> | AsyncIterable<BulkAutoRenewItem>,
      options?: BulkOptions,
    ): AsyncIterable<BulkResult<BulkAutoRenewItem, Subscription>> {
      checkRun("subscriptions.bulkSetAutoRenew", items, options);
      return runBulk(
        items,
        {
          customerOf,
          requestIdOf,
          run: (item, call) => subscriptions.setAutoRenew(item?.customerId, item?.subscriptionId, item?.enabled, call),
        },
        options,
      );
    },
  };
}
