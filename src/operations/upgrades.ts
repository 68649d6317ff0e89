import { z } from "zod";
import { type Runtime, send } from "../call.js";
import type { CallOptions } from "../context.js";
import { UpgradeRejectedError } from "../errors.js";
import { listAll } from "../paging.js";
import { getResponseMeta } from "../response.js";
import { type Upgrade, type UpgradeResult, upgradeSchemas } from "../schemas.js";
import { callOptions, guid, isJsonSafe, positiveInteger, validate } from "../validation.js";

/** Options of {@link UpgradeOperations.perform}. */
export interface PerformUpgradeOptions extends CallOptions {
  /** How many licenses to move to the target offer; default the upgrade's own quantity. */
  quantity?: number;
}

const upgradeInput = z
  .object(
    {
      targetOffer: z
        .object(
          { id: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }) },
          { error: "must be the target offer from upgrades.list" },
        )
        .loose(),
    },
    { error: "must be an Upgrade from upgrades.list" },
  )
  .loose()
  .refine(isJsonSafe, { error: "must be plain JSON data (no BigInt, no cycles)" });
const performOptions = z.object({ quantity: positiveInteger.optional() }).loose().optional().and(callOptions);

/** Upgrade operations (`pc.upgrades`) for legacy license-based subscriptions. */
export interface UpgradeOperations {
  /**
   * The offers the subscription can move to, each with whether it is eligible and why not.
   * @example
   * const eligible = (await pc.upgrades.list(customerId, subscriptionId)).filter((upgrade) => upgrade.isEligible);
   */
  list(customerId: string, subscriptionId: string, options?: CallOptions): Promise<Upgrade[]>;
  /**
   * Performs one upgrade from `list` on the source subscription. Throws UpgradeRejectedError when the service
   * lists upgradeErrors; users whose licenses did not move come back in `licenseErrors`.
   * @example
   * const result = await pc.upgrades.perform(customerId, subscriptionId, eligible[0]!);
   */
  perform(customerId: string, subscriptionId: string, upgrade: Upgrade, options?: PerformUpgradeOptions): Promise<UpgradeResult>;
}

/** Builds `pc.upgrades`. */
export function createUpgradeOperations(runtime: Runtime): UpgradeOperations {
  const { raw } = runtime;
  return {
    async list(customerId: string, subscriptionId: string, options?: CallOptions): Promise<Upgrade[]> {
      const input = validate(
        "upgrades.list",
        { customerId: guid, subscriptionId: guid, options: callOptions },
        { customerId, subscriptionId, options },
      );
      return listAll(runtime, { name: "upgrades.list", schema: upgradeSchemas.upgrades }, options, (init) =>
        raw.GET("/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", {
          params: { path: { customer_id: input.customerId, subscription_id: input.subscriptionId } },
          ...init,
        }),
      );
    },

    async perform(customerId: string, subscriptionId: string, upgrade: Upgrade, options?: PerformUpgradeOptions): Promise<UpgradeResult> {
      const input = validate(
        "upgrades.perform",
        { customerId: guid, subscriptionId: guid, upgrade: upgradeInput, options: performOptions },
        { customerId, subscriptionId, upgrade, options },
      );
      const body = { ...upgrade, ...(options?.quantity !== undefined && { quantity: options.quantity }) };
      const result = await send(runtime, { name: "upgrades.perform", schema: upgradeSchemas.upgradeResult }, options, (init) =>
        raw.POST("/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", {
          params: { path: { customer_id: input.customerId, subscription_id: input.subscriptionId } },
          body,
          ...init,
        }),
      );
      const errors = result.upgradeErrors ?? [];
      if (errors.length > 0) {
        const reasons = errors.map((error) => `${error.code}${error.description ? `: ${error.description}` : ""}`);
        throw new UpgradeRejectedError("upgrades.perform", result, reasons, getResponseMeta(result));
      }
      return result;
    },
  };
}
