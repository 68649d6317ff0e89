import { z } from "zod";
import type { Runtime } from "../call.js";
import type { CallOptions } from "../context.js";
import { type PagedAsyncIterableIterator, pagedList } from "../paged-list.js";
import { customerSchemas, type Subscription } from "../schemas.js";
import { callOptions, guid, validate } from "../validation.js";
import { filterText } from "./list-options.js";

/** Options of {@link SubscriptionListOperations.list}: at most one of `orderId` and `mpnId`. */
export type SubscriptionListOptions = CallOptions & ({ orderId?: string; mpnId?: never } | { mpnId?: string; orderId?: never });

const listOptions = z
  .object({
    orderId: filterText.optional(),
    mpnId: z
      .string({ error: "must be a string" })
      .regex(/^[0-9]+$/, { error: "must be a partner (MPN) id: digits only" })
      .optional(),
  })
  .loose()
  .refine((options) => options.orderId === undefined || options.mpnId === undefined, {
    error: "must give orderId or mpnId, not both (the service takes one)",
  })
  .optional()
  .and(callOptions);

/** The list method added to `pc.subscriptions`. */
export interface SubscriptionListOperations {
  /**
   * The customer's subscriptions: all of them, or one order's (`orderId`), or those an indirect reseller sold
   * (`mpnId`). The service answers in one page; it is still a list like the others (`byPage()`, and next links
   * followed if the service ever sends one). byPage's `maxPageSize` is not sent: this call has no page size.
   * @example
   * for await (const subscription of pc.subscriptions.list(customerId)) {
   *   if (subscription.status === "active") console.log(subscription.id, subscription.autoRenewEnabled);
   * }
   */
  list(customerId: string, options?: SubscriptionListOptions): PagedAsyncIterableIterator<Subscription>;
}

/** Builds the list method of `pc.subscriptions`. */
export function createSubscriptionListOperations(runtime: Runtime): SubscriptionListOperations {
  const { raw } = runtime;
  return {
    list(customerId: string, options?: SubscriptionListOptions): PagedAsyncIterableIterator<Subscription> {
      const input = validate("subscriptions.list", { customerId: guid, options: listOptions }, { customerId, options });
      const orderId = input.options?.orderId;
      const mpnId = input.options?.mpnId;
      return pagedList(
        runtime,
        {
          name: "subscriptions.list",
          schema: customerSchemas.subscriptions,
          path: `/customers/${input.customerId}/subscriptions`,
          first: () => (init) =>
            raw.GET("/customers/{customer_id}/subscriptions", {
              params: {
                path: { customer_id: input.customerId },
                query: { ...(orderId !== undefined && { order_id: orderId }), ...(mpnId !== undefined && { mpn_id: mpnId }) },
              },
              ...init,
            }),
        },
        options,
      );
    },
  };
}
