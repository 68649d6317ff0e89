import { z } from "zod";
import { type Runtime, send } from "../call.js";
import type { CallOptions } from "../context.js";
import { listAll } from "../paging.js";
import { type License, type LicenseAssignment, type LicenseUpdate, licenseSchemas, type SubscribedSku } from "../schemas.js";
import { callOptions, guid, identifier, licenseAssignment, licenseChange, licenseGroupId, userId, validate } from "../validation.js";

/** Filters for the license lists. */
export interface LicenseListOptions extends CallOptions {
  /** Only these license groups: Group1 (Entra-managed products), Group2 (Minecraft); sent as `Group1`/`Group2` whatever the case written. Left out, the service lists Group1 only. */
  licenseGroupIds?: string[];
}

/** A change to one user's licenses. */
export interface LicenseChange {
  licensesToAssign?: LicenseAssignment[];
  /** SKU ids to take away. */
  licensesToRemove?: string[];
}

/** Options of {@link LicenseOperations.update}. */
export interface LicenseUpdateOptions extends CallOptions {
  /** Turn the license on at once (GoDaddy tenants only). */
  isKickInstantOn?: boolean;
}

const listOptions = z
  .object({ licenseGroupIds: z.array(licenseGroupId).optional() })
  .loose()
  .optional()
  .and(callOptions);
const updateOptions = z
  .object({ isKickInstantOn: z.boolean({ error: "must be a boolean" }).optional() })
  .loose()
  .optional()
  .and(callOptions);
// One SKU id is taken as a list of one; a union would hide "at least one" behind zod's "Invalid input".
const oneOrMore = <Item extends z.ZodType>(item: Item, what: string) =>
  z.preprocess(
    (value) => (typeof value === "string" ? [value] : value),
    z.array(item, { error: `must be ${what} or a list of them` }).min(1, { error: `must name at least one ${what}` }),
  );
const skuList = oneOrMore(identifier, "SKU id");
const assignments = oneOrMore(z.unknown(), "SKU id").pipe(
  z.union([z.array(identifier), z.array(licenseAssignment)], {
    error: "must be SKU ids or license assignments, not a mix or anything else",
  }),
);

/** License operations (`pc.licenses`): what a customer owns, what a user has, and changing it. */
export interface LicenseOperations {
  /**
   * SKUs the customer has bought, with free and used units, every page. Needs an App+User token.
   * @example
   * const skus = await pc.licenses.listSubscribedSkus(customerId);
   * const free = skus.map((sku) => [sku.productSku?.name, (sku.activeUnits ?? 0) - (sku.consumedUnits ?? 0)]);
   */
  listSubscribedSkus(customerId: string, options?: LicenseListOptions): Promise<SubscribedSku[]>;
  /**
   * Licenses assigned to one user (object id or user principal name), every page. Needs an App+User token.
   * @example
   * const licenses = await pc.licenses.listAssigned(customerId, "adele@contoso.com");
   */
  listAssigned(customerId: string, user: string, options?: LicenseListOptions): Promise<License[]>;
  /**
   * Assigns and removes licenses in one change (all from one license group). Safe to retry: every attempt carries
   * the same MS-RequestId. Warnings come back in `licenseWarnings`.
   * @example
   * await pc.licenses.update(customerId, "adele@contoso.com", { licensesToAssign: [{ skuId }], licensesToRemove: [oldSkuId] });
   */
  update(customerId: string, user: string, change: LicenseChange, options?: LicenseUpdateOptions): Promise<LicenseUpdate>;
  /**
   * Assigns licenses: SKU ids (every plan) or assignments that leave some plans out.
   * @example
   * await pc.licenses.assign(customerId, "adele@contoso.com", [{ skuId, excludedPlans: [planId] }]);
   */
  assign(
    customerId: string,
    user: string,
    skuIdsOrAssignments: string | string[] | LicenseAssignment[],
    options?: CallOptions,
  ): Promise<LicenseUpdate>;
  /**
   * Removes licenses by SKU id.
   * @example
   * await pc.licenses.remove(customerId, "adele@contoso.com", skuId);
   */
  remove(customerId: string, user: string, skuIds: string | string[], options?: CallOptions): Promise<LicenseUpdate>;
}

/** Builds `pc.licenses`. */
export function createLicenseOperations(runtime: Runtime): LicenseOperations {
  const { raw } = runtime;

  // The one place a license change is sent; the public methods validate everything before calling it.
  function postUpdate(name: string, customerId: string, user: string, change: LicenseChange, options: LicenseUpdateOptions | undefined) {
    // Only the lists the caller gave are sent; the service reads an absent list as "no change".
    const body = {
      ...(change.licensesToAssign?.length && { licensesToAssign: change.licensesToAssign }),
      ...(change.licensesToRemove?.length && { licensesToRemove: change.licensesToRemove }),
    };
    const kick = options?.isKickInstantOn;
    return send(runtime, { name, schema: licenseSchemas.licenseUpdate }, options, (init) =>
      raw.POST("/customers/{customer_id}/users/{user_id}/licenseupdates", {
        params: { path: { customer_id: customerId, user_id: user }, query: kick === undefined ? {} : { isKickInstantOn: kick } },
        body,
        ...init,
      }),
    );
  }

  return {
    async listSubscribedSkus(customerId: string, options?: LicenseListOptions): Promise<SubscribedSku[]> {
      const input = validate("licenses.listSubscribedSkus", { customerId: guid, options: listOptions }, { customerId, options });
      return listAll(runtime, { name: "licenses.listSubscribedSkus", schema: licenseSchemas.subscribedSkus }, options, (init) =>
        raw.GET("/customers/{customer_id}/subscribedskus", {
          params: { path: { customer_id: input.customerId }, query: { licenseGroupIds: input.options?.licenseGroupIds } },
          ...init,
        }),
      );
    },

    async listAssigned(customerId: string, user: string, options?: LicenseListOptions): Promise<License[]> {
      const input = validate(
        "licenses.listAssigned",
        { customerId: guid, userId, options: listOptions },
        { customerId, userId: user, options },
      );
      return listAll(runtime, { name: "licenses.listAssigned", schema: licenseSchemas.licenses }, options, (init) =>
        raw.GET("/customers/{customer_id}/users/{user_id}/licenses", {
          params: {
            path: { customer_id: input.customerId, user_id: input.userId },
            query: { licenseGroupIds: input.options?.licenseGroupIds },
          },
          ...init,
        }),
      );
    },

    async update(customerId: string, user: string, change: LicenseChange, options?: LicenseUpdateOptions): Promise<LicenseUpdate> {
      const input = validate(
        "licenses.update",
        { customerId: guid, userId, change: licenseChange, options: updateOptions },
        { customerId, userId: user, change, options },
      );
      return postUpdate("licenses.update", input.customerId, input.userId, input.change, options);
    },

    async assign(
      customerId: string,
      user: string,
      skuIdsOrAssignments: string | string[] | LicenseAssignment[],
      options?: CallOptions,
    ): Promise<LicenseUpdate> {
      const input = validate(
        "licenses.assign",
        { customerId: guid, userId, licenses: assignments, options: callOptions },
        { customerId, userId: user, licenses: skuIdsOrAssignments, options },
      );
      const licensesToAssign = input.licenses.map((item) => (typeof item === "string" ? { skuId: item } : item));
      return postUpdate("licenses.assign", input.customerId, input.userId, { licensesToAssign }, options);
    },

    async remove(customerId: string, user: string, skuIds: string | string[], options?: CallOptions): Promise<LicenseUpdate> {
      const input = validate(
        "licenses.remove",
        { customerId: guid, userId, skuIds: skuList, options: callOptions },
        { customerId, userId: user, skuIds, options },
      );
      return postUpdate("licenses.remove", input.customerId, input.userId, { licensesToRemove: input.skuIds }, options);
    },
  };
}
