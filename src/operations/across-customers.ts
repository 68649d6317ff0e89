import { type BulkOptions, runBulk } from "../bulk/run-bulk.js";
import type { CallOptions } from "../context.js";
import { type PartnerCenterError, UnexpectedResponseError } from "../errors.js";
import { MAX_STREAMED_PAGES, type PagedAsyncIterableIterator } from "../paged-list.js";
import type { Customer, CustomerUser, Subscription } from "../schemas.js";
import { checkRun } from "./bulk.js";
import type { CustomerOperations } from "./customers.js";
import type { SubscriptionListOperations, SubscriptionListOptions } from "./subscription-list.js";
import type { UserListOptions, UserOperations } from "./users.js";

const NIL_GUID = "00000000-0000-0000-0000-000000000000";

/** A customer to walk: its id, or a Customer as `pc.customers.list()` yields it. */
export type CustomerRef = string | Pick<Customer, "id">;

/** One customer's whole list, or why it could not be read (with the items of the pages read before). */
export type CustomerListResult<Item> =
  | { index: number; customerId: string; ok: true; items: Item[] }
  | { index: number; customerId: string; ok: false; error: PartnerCenterError; items: Item[] };

/** Options of a walk across customers: the bulk run's pacing, and the options of each customer's list. */
export interface AcrossCustomersOptions<ListOptions> extends BulkOptions {
  /** Passed to every customer's list (page size, filters). */
  list?: ListOptions;
}

/** The walk's state of one customer: where its list goes on after a 429, and what was read so far. */
interface Walk<Item> {
  customerId: string;
  continuationToken: string | undefined;
  tokens: Set<string>;
  items: Item[];
}

/**
 * Reads the list `listOf` gives for every customer of `customers`, several customers at once, with the bulk
 * runner's pacing: a 429 holds back only that customer's list (for its Retry-After), which goes on from the page that
 * was refused, never reading a page twice. Yields one result per customer as its list completes, in completion
 * order. `listOf` must come from a client whose 429s are handed back (the bulk runtime).
 */
export function acrossCustomers<Item, ListOptions>(
  operation: string,
  customers: Iterable<CustomerRef> | AsyncIterable<CustomerRef>,
  listOf: (customerId: string, options: ListOptions & CallOptions) => PagedAsyncIterableIterator<Item>,
  options: AcrossCustomersOptions<ListOptions> = {},
): AsyncIterable<CustomerListResult<Item>> {
  checkRun(operation, customers, options);
  const { list: listOptions, ...bulkOptions } = options;
  // A list sends nothing until read: building one checks the list options up front, before any customer is read.
  listOf(NIL_GUID, { ...(listOptions as ListOptions), signal: undefined });
  return (async function* () {
    const walks = runBulk(
      toWalks<Item>(customers),
      {
        customerOf: (walk) => walk.customerId,
        // Async, so that a list refusing its input becomes that customer's result, not the run's end.
        run: async (walk, call) =>
          readRest(walk, listOf(walk.customerId, { ...(listOptions as ListOptions), signal: call.signal }), operation),
      },
      bulkOptions,
    );
    for await (const result of walks) {
      const { index, item: walk } = result;
      yield result.ok
        ? { index, customerId: walk.customerId, ok: true as const, items: walk.items }
        : { index, customerId: walk.customerId, ok: false as const, error: result.error, items: walk.items };
    }
  })();
}

// Reads the pages of one customer's list from where its walk stopped; a 429 leaves the walk at the refused page.
async function readRest<Item>(walk: Walk<Item>, list: PagedAsyncIterableIterator<Item>, operation: string): Promise<Item[]> {
  const from = walk.continuationToken;
  for await (const page of list.byPage(from === undefined ? undefined : { continuationToken: from })) {
    walk.items.push(...page);
    const next = page.continuationToken;
    if (next === undefined) break;
    // Within one read the pager refuses a repeated link; across reads (after a 429) this does.
    if (walk.tokens.has(next) || walk.tokens.size >= MAX_STREAMED_PAGES)
      throw new UnexpectedResponseError(operation, 200, [
        `the list of customer ${walk.customerId} repeats itself or goes on past ${MAX_STREAMED_PAGES} pages`,
      ]);
    walk.tokens.add(next);
    walk.continuationToken = next;
  }
  return walk.items;
}

async function* toWalks<Item>(customers: Iterable<CustomerRef> | AsyncIterable<CustomerRef>): AsyncGenerator<Walk<Item>> {
  for await (const customer of customers) {
    // A customer without an id becomes that customer's InvalidInputError when its list refuses the id.
    const customerId = typeof customer === "string" ? customer : String(customer?.id ?? "");
    yield { customerId, continuationToken: undefined, tokens: new Set(), items: [] };
  }
}

/** The walk added to `pc.users`. */
export interface UserAcrossCustomersOperations {
  /**
   * Every customer's users (all the partner's customers unless `customers` is given), several customers at once
   * at the bulk runner's pace, one result per customer as its list completes.
   * @example
   * for await (const result of pc.users.listAcrossCustomers(undefined, { concurrency: 8 })) {
   *   if (result.ok) for (const user of result.items) console.log(result.customerId, user.userPrincipalName);
   *   else console.error(result.customerId, result.error.message);
   * }
   */
  listAcrossCustomers(
    customers?: Iterable<CustomerRef> | AsyncIterable<CustomerRef>,
    options?: AcrossCustomersOptions<Omit<UserListOptions, keyof CallOptions>>,
  ): AsyncIterable<CustomerListResult<CustomerUser>>;
}

/** The walk added to `pc.subscriptions`. */
export interface SubscriptionAcrossCustomersOperations {
  /**
   * Every customer's subscriptions (all the partner's customers unless `customers` is given), several customers
   * at once at the bulk runner's pace, one result per customer as its list completes.
   * @example
   * for await (const result of pc.subscriptions.listAcrossCustomers()) {
   *   for (const subscription of result.items) rows.push({ customerId: result.customerId, subscriptionId: subscription.id });
   * }
   */
  listAcrossCustomers(
    customers?: Iterable<CustomerRef> | AsyncIterable<CustomerRef>,
    options?: AcrossCustomersOptions<Omit<SubscriptionListOptions, keyof CallOptions>>,
  ): AsyncIterable<CustomerListResult<Subscription>>;
}

/**
 * The walks of `pc.users` and `pc.subscriptions`: the customers are listed by the client's usual operations, each
 * customer's list by operations over the bulk runtime (whose 429s come back to the bulk runner).
 */
export function createAcrossCustomersOperations(
  customers: CustomerOperations,
  bulk: { users: UserOperations; subscriptions: SubscriptionListOperations },
): { users: UserAcrossCustomersOperations; subscriptions: SubscriptionAcrossCustomersOperations } {
  return {
    users: {
      listAcrossCustomers: (from, options) =>
        acrossCustomers("users.listAcrossCustomers", from ?? customers.list(), bulk.users.list, options),
    },
    subscriptions: {
      listAcrossCustomers: (from, options) =>
        acrossCustomers(
          "subscriptions.listAcrossCustomers",
          from ?? customers.list(),
          (customerId, listOptions) => bulk.subscriptions.list(customerId, listOptions as SubscriptionListOptions),
          options,
        ),
    },
  };
}
