import { z } from "zod";
import { type Runtime, send } from "../call.js";
import type { CallOptions } from "../context.js";
import { type PagedAsyncIterableIterator, pagedList } from "../paged-list.js";
import { type Customer, customerSchemas } from "../schemas.js";
import { callOptions, guid, validate } from "../validation.js";
import { filterText, pageSize } from "./list-options.js";

/** Options of {@link CustomerOperations.list}. */
export interface CustomerListOptions extends CallOptions {
  /** How many customers a page holds at most (the service's `size`); default the service's own. */
  pageSize?: number;
  /** Only customers whose company name, or whose domain, starts with this text (case ignored by the service). */
  filter?: { companyNameStartsWith: string } | { domainStartsWith: string };
}

const listOptions = z
  .object({
    pageSize: pageSize.optional(),
    filter: z
      .union([z.strictObject({ companyNameStartsWith: filterText }), z.strictObject({ domainStartsWith: filterText })], {
        error: "must be { companyNameStartsWith } or { domainStartsWith }, not both",
      })
      .optional(),
  })
  .loose()
  .optional()
  .and(callOptions);

/** Customer operations (`pc.customers`): the partner's customers. */
export interface CustomerOperations {
  /**
   * The partner's customers, read a page at a time as the loop reaches them; `byPage()` gives the pages and
   * resumes from a page's `continuationToken`.
   * @example
   * for await (const customer of pc.customers.list({ filter: { companyNameStartsWith: "Contoso" } })) {
   *   console.log(customer.id, customer.companyProfile?.companyName);
   * }
   */
  list(options?: CustomerListOptions): PagedAsyncIterableIterator<Customer>;
  /**
   * One customer, with its company and billing profiles.
   * @example
   * const customer = await pc.customers.get(customerId);
   */
  get(customerId: string, options?: CallOptions): Promise<Customer>;
}

/** Builds `pc.customers`. */
export function createCustomerOperations(runtime: Runtime): CustomerOperations {
  const { raw } = runtime;
  return {
    list(options?: CustomerListOptions): PagedAsyncIterableIterator<Customer> {
      const input = validate("customers.list", { options: listOptions }, { options });
      const filter = filterOf(input.options?.filter);
      return pagedList(
        runtime,
        {
          name: "customers.list",
          schema: customerSchemas.customers,
          path: "/customers",
          first: (size) => (init) =>
            raw.GET("/customers", {
              params: { query: { ...(size !== undefined && { size }), ...(filter !== undefined && { filter }) } },
              ...init,
            }),
        },
        options,
        input.options?.pageSize,
      );
    },

    async get(customerId: string, options?: CallOptions): Promise<Customer> {
      const input = validate("customers.get", { customerId: guid, options: callOptions }, { customerId, options });
      return send(runtime, { name: "customers.get", schema: customerSchemas.customer }, options, (init) =>
        raw.GET("/customers/{customer_id}", { params: { path: { customer_id: input.customerId } }, ...init }),
      );
    },
  };
}

// The filter as the docs write it: JSON with Field, Value and Operator, in that order (the query serializer encodes it).
function filterOf(filter: CustomerListOptions["filter"]): string | undefined {
  if (filter === undefined) return undefined;
  const [field, value] =
    "companyNameStartsWith" in filter ? ["CompanyName", filter.companyNameStartsWith] : ["Domain", filter.domainStartsWith];
  return JSON.stringify({ Field: field, Value: value, Operator: "starts_with" });
}
