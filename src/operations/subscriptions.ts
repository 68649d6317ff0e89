import { z } from "zod";
import { type Runtime, send } from "../call.js";
import type { CallOptions } from "../context.js";
import { InvalidInputError, StaleEtagError, UnexpectedResponseError } from "../errors.js";
import { etagOf, ifMatchValue } from "../etag.js";
import { attachResponseMeta, getResponseMeta, type ResponseMeta } from "../response.js";
import { type Subscription, subscriptionSchemas } from "../schemas.js";
import { callOptions, describeIssues, guid, headerSafe, isJsonSafe, validate } from "../validation.js";

/** Options of {@link SubscriptionOperations.modify}. */
export interface ModifyOptions extends CallOptions {
  /** How many read-change-write rounds to try when the etag goes stale in between; default 3. */
  maxAttempts?: number;
}

/** A change to a subscription: return the changed copy (the argument is a private copy; mutating it is fine). */
export type SubscriptionChange = (subscription: Subscription) => Subscription | void | Promise<Subscription | void>;

const DEFAULT_MODIFY_ATTEMPTS = 3;

const subscriptionInput = z
  .object(
    {
      id: guid,
      attributes: z
        .object(
          { etag: headerSafe("read the subscription first") },
          { error: "must be the object read with the subscription (it holds the etag)" },
        )
        .loose(),
    },
    { error: "must be a subscription object" },
  )
  .loose()
  .refine(isJsonSafe, { error: "must be plain JSON data (no BigInt, no cycles)" });
// Module-level, as every schema a method validates with: validate() reuses an operation's compiled checks only
// while its shape holds the same schema objects.
const changeFunction = z.custom<SubscriptionChange>((value) => typeof value === "function", { error: "must be a function" });
const onOff = z.boolean({ error: "must be true or false" });
const modifyOptions = z
  .object({
    maxAttempts: z
      .number({ error: "must be a number" })
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be at least 1" })
      .max(10, { error: "must be at most 10" })
      .optional(),
  })
  .loose()
  .optional()
  .and(callOptions);

/** Subscription operations (`pc.subscriptions`): read, etag-guarded full update, read-modify-write, auto-renew. */
export interface SubscriptionOperations {
  /**
   * Reads one subscription; `attributes.etag` is what an update needs.
   * @example
   * const subscription = await pc.subscriptions.get(customerId, subscriptionId);
   */
  get(customerId: string, subscriptionId: string, options?: CallOptions): Promise<Subscription>;
  /**
   * Writes back a subscription as read, with changes. The service answers 200 with the stored subscription, or
   * 202 Accepted when the change takes time: `getResponseMeta(result)` then says 202 and gives the Location. A 202
   * with an empty body resolves to the subscription read back once by id right after (the change may still be in
   * progress, so it can show the old values).
   * Sends If-Match from `attributes.etag`; a stale etag throws
   * StaleEtagError (`modify` re-reads and re-applies instead).
   * @example
   * const subscription = await pc.subscriptions.get(customerId, subscriptionId);
   * await pc.subscriptions.update(customerId, { ...subscription, friendlyName: "Sales E3" });
   */
  update(customerId: string, subscription: Subscription, options?: CallOptions): Promise<Subscription>;
  /**
   * Reads the subscription, applies `change`, writes it back; on a stale etag reads again and re-applies.
   * Resolves as {@link SubscriptionOperations.update} does, 202 Accepted included.
   * @example
   * await pc.subscriptions.modify(customerId, subscriptionId, (s) => ({ ...s, quantity: (s.quantity ?? 0) + 5 }));
   */
  modify(customerId: string, subscriptionId: string, change: SubscriptionChange, options?: ModifyOptions): Promise<Subscription>;
  /**
   * Turns auto-renew on or off, keeping every other field as the service has it. Resolves as `update` does.
   * @example
   * await pc.subscriptions.setAutoRenew(customerId, subscriptionId, false);
   */
  setAutoRenew(customerId: string, subscriptionId: string, enabled: boolean, options?: ModifyOptions): Promise<Subscription>;
}

/** Builds `pc.subscriptions`. */
export function createSubscriptionOperations(runtime: Runtime): SubscriptionOperations {
  const { raw } = runtime;

  function read(name: string, customerId: string, subscriptionId: string, options: CallOptions | undefined) {
    return send(runtime, { name, schema: subscriptionSchemas.subscription }, options, (init) =>
      raw.GET("/customers/{customer_id}/subscriptions/{subscription_id}", {
        params: { path: { customer_id: customerId, subscription_id: subscriptionId } },
        ...init,
      }),
    );
  }

  // The one place a subscription is written. The whole object goes back (fields left out are reset by
  // the service), the etag stays in the body and goes, quoted, into If-Match. A 202 Accepted with an empty body
  // (a change that takes time) resolves to the subscription read back once by id, carrying the 202's meta.
  function write(
    name: string,
    customerId: string,
    subscription: Subscription & { id: string },
    etag: string,
    options: CallOptions | undefined,
  ) {
    const whenAcceptedEmpty = async (accepted: ResponseMeta) => {
      const readBack = { signal: options?.signal, correlationId: accepted.correlationId ?? options?.correlationId };
      return attachResponseMeta(await read(name, customerId, subscription.id, readBack), accepted);
    };
    return send(runtime, { name, schema: subscriptionSchemas.subscription, whenAcceptedEmpty }, options, (init) =>
      raw.PATCH("/customers/{customer_id}/subscriptions/{subscription_id}", {
        params: { path: { customer_id: customerId, subscription_id: subscription.id }, header: { "If-Match": ifMatchValue(etag) } },
        body: subscription,
        ...init,
      }),
    );
  }

  async function modify(
    name: string,
    customerId: string,
    subscriptionId: string,
    change: SubscriptionChange,
    options: ModifyOptions | undefined,
  ): Promise<Subscription> {
    const attempts = options?.maxAttempts ?? DEFAULT_MODIFY_ATTEMPTS;
    const shared = { signal: options?.signal, correlationId: options?.correlationId };
    for (let attempt = 1; ; attempt += 1) {
      const current = await read(name, customerId, subscriptionId, shared);
      const copy = structuredClone(current);
      const changed = (await change(copy)) ?? copy;
      const next = { ...changed, id: subscriptionId };
      // A request id pinned by the caller names the first write; a write after a stale etag is a new
      // logical call and needs a new id, or the service would replay the stale answer.
      const requestId = attempt === 1 ? options?.requestId : undefined;
      const etag = etagOf(next) ?? etagOf(current);
      if (etag === undefined)
        throw new UnexpectedResponseError(
          name,
          200,
          ["the subscription was read without attributes.etag, so it cannot be updated safely"],
          getResponseMeta(current),
        );
      // The change is the caller's code: what it made is checked like any input before it is sent.
      const checked = subscriptionInput.safeParse({ ...next, attributes: { ...next.attributes, etag } });
      if (!checked.success)
        throw new InvalidInputError(
          name,
          describeIssues(checked.error.issues).map((problem) => `the changed subscription's ${problem}`),
        );
      try {
        return await write(name, customerId, next, etag, { ...shared, requestId });
      } catch (error) {
        if (!(error instanceof StaleEtagError) || attempt >= attempts) throw error;
      }
    }
  }

  return {
    async get(customerId: string, subscriptionId: string, options?: CallOptions): Promise<Subscription> {
      const input = validate(
        "subscriptions.get",
        { customerId: guid, subscriptionId: guid, options: callOptions },
        { customerId, subscriptionId, options },
      );
      return read("subscriptions.get", input.customerId, input.subscriptionId, options);
    },

    async update(customerId: string, subscription: Subscription, options?: CallOptions): Promise<Subscription> {
      const input = validate(
        "subscriptions.update",
        { customerId: guid, subscription: subscriptionInput, options: callOptions },
        { customerId, subscription, options },
      );
      return write(
        "subscriptions.update",
        input.customerId,
        { ...subscription, id: input.subscription.id },
        input.subscription.attributes.etag,
        options,
      );
    },

    async modify(customerId: string, subscriptionId: string, change: SubscriptionChange, options?: ModifyOptions): Promise<Subscription> {
      const input = validate(
        "subscriptions.modify",
        {
          customerId: guid,
          subscriptionId: guid,
          change: changeFunction,
          options: modifyOptions,
        },
        { customerId, subscriptionId, change, options },
      );
      return modify("subscriptions.modify", input.customerId, input.subscriptionId, change, options);
    },

    async setAutoRenew(customerId: string, subscriptionId: string, enabled: boolean, options?: ModifyOptions): Promise<Subscription> {
      const input = validate(
        "subscriptions.setAutoRenew",
        { customerId: guid, subscriptionId: guid, enabled: onOff, options: modifyOptions },
        { customerId, subscriptionId, enabled, options },
      );
      return modify(
        "subscriptions.setAutoRenew",
        input.customerId,
        input.subscriptionId,
        (subscription) => ({ ...subscription, autoRenewEnabled: input.enabled }),
        options,
      );
    },
  };
}
