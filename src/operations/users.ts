import { z } from "zod";
import { type Runtime, send } from "../call.js";
import type { CallOptions } from "../context.js";
import { type PagedAsyncIterableIterator, pagedList } from "../paged-list.js";
import { type CustomerUser, customerSchemas } from "../schemas.js";
import { callOptions, guid, userId, validate } from "../validation.js";
import { pageSize } from "./list-options.js";

/** Options of {@link UserOperations.list}. */
export interface UserListOptions extends CallOptions {
  /** How many users a page holds at most (the service's `size`); default the service's own. */
  pageSize?: number;
  /** "active" (default): the users of the tenant. "inactive": users deleted in the last 30 days, not yet purged. */
  state?: "active" | "inactive";
}

const listOptions = z
  .object({
    pageSize: pageSize.optional(),
    state: z.enum(["active", "inactive"], { error: 'must be "active" or "inactive"' }).optional(),
  })
  .loose()
  .optional()
  .and(callOptions);

// The one filter the docs give for users: deleted ones. Active users are the list without a filter.
const INACTIVE_FILTER = JSON.stringify({ Field: "UserState", Value: "Inactive", Operator: "equals" });

/** User operations (`pc.users`): the user accounts of a customer's tenant. Need an App+User token. */
export interface UserOperations {
  /**
   * The customer's users, read a page at a time as the loop reaches them; `byPage()` gives the pages and resumes
   * from a page's `continuationToken`.
   * @example
   * for await (const user of pc.users.list(customerId, { pageSize: 100 })) console.log(user.userPrincipalName);
   */
  list(customerId: string, options?: UserListOptions): PagedAsyncIterableIterator<CustomerUser>;
  /**
   * One user, by object id or user principal name.
   * @example
   * const user = await pc.users.get(customerId, "adele@contoso.com");
   */
  get(customerId: string, user: string, options?: CallOptions): Promise<CustomerUser>;
}

/** Builds `pc.users`. */
export function createUserOperations(runtime: Runtime): UserOperations {
  const { raw } = runtime;
  return {
    list(customerId: string, options?: UserListOptions): PagedAsyncIterableIterator<CustomerUser> {
      const input = validate("users.list", { customerId: guid, options: listOptions }, { customerId, options });
      const filter = input.options?.state === "inactive" ? INACTIVE_FILTER : undefined;
      return pagedList(
        runtime,
        {
          name: "users.list",
          schema: customerSchemas.customerUsers,
          path: `/customers/${input.customerId}/users`,
          first: (size) => (init) =>
            raw.GET("/customers/{customer_id}/users", {
              params: {
                path: { customer_id: input.customerId },
                query: { ...(size !== undefined && { size }), ...(filter !== undefined && { filter }) },
              },
              ...init,
            }),
        },
        options,
        input.options?.pageSize,
      );
    },

    async get(customerId: string, user: string, options?: CallOptions): Promise<CustomerUser> {
      const input = validate("users.get", { customerId: guid, userId, options: callOptions }, { customerId, userId: user, options });
      return send(runtime, { name: "users.get", schema: customerSchemas.customerUser }, options, (init) =>
        raw.GET("/customers/{customer_id}/users/{user_id}", {
          params: { path: { customer_id: input.customerId, user_id: input.userId } },
          ...init,
        }),
      );
    },
  };
}
