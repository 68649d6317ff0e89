import { isPartnerCenterError, isServiceError, PartnerCenterError } from "../errors.js";
import type { SubscribedSku } from "../schemas.js";
import type { LicenseOperations } from "./licenses.js";
import type { UserOperations } from "./users.js";

/** What a plan read of one customer: its SKUs by id, and whether each user of the run exists. */
export interface CustomerReads {
  skus: Map<string, SubscribedSku>;
  skuError?: PartnerCenterError;
  /** By lowercased object id or user principal name: "found", "missing", or the error of the read. */
  users: Map<string, "found" | "missing" | PartnerCenterError>;
}

/** A page of users holds 100: past that many users of one customer, reading its user list takes fewer calls. */
const USERS_PER_PAGE = 100;
// Leaving licenseGroupIds out lists group1 only; the docs write the values so.
const BOTH_GROUPS = ["Group1", "Group2"];

/**
 * Reads, for every customer of `rows`, its subscribed SKUs once and its users where the rows name them, at most
 * `concurrency` reads at a time. Read errors are kept, not thrown: the rows they concern are reported unchecked.
 */
export async function readCustomers(
  rows: ReadonlyArray<{ customerId: string; userId: string }>,
  api: { licenses: LicenseOperations; users: UserOperations },
  options: { signal: AbortSignal | undefined; concurrency: number },
): Promise<Map<string, CustomerReads>> {
  const byCustomer = new Map<string, { customerId: string; users: Set<string>; reads: CustomerReads }>();
  for (const { customerId, userId } of rows) {
    const key = customerId.toLowerCase();
    const entry = byCustomer.get(key) ?? { customerId, users: new Set<string>(), reads: { skus: new Map(), users: new Map() } };
    byCustomer.set(key, entry);
    entry.users.add(userId.toLowerCase());
  }
  const call = { signal: options.signal };
  const tasks: Array<() => Promise<void>> = [];
  for (const { customerId, users, reads } of byCustomer.values()) {
    tasks.push(async () => {
      try {
        for (const sku of await api.licenses.listSubscribedSkus(customerId, { licenseGroupIds: BOTH_GROUPS, ...call }))
          if (sku.productSku?.id) reads.skus.set(sku.productSku.id.toLowerCase(), sku);
      } catch (error) {
        reads.skuError = asError(error);
      }
    });
    if (users.size > USERS_PER_PAGE) tasks.push(() => readUserList(api.users, customerId, users, reads, call));
    else for (const user of users) tasks.push(() => readUser(api.users, customerId, user, reads, call));
  }
  await runLimited(tasks, options.concurrency);
  return new Map([...byCustomer].map(([key, entry]) => [key, entry.reads]));
}

async function readUser(
  users: UserOperations,
  customerId: string,
  user: string,
  reads: CustomerReads,
  call: { signal?: AbortSignal | undefined },
) {
  try {
    await users.get(customerId, user, call);
    reads.users.set(user, "found");
  } catch (error) {
    reads.users.set(user, isServiceError(error) && error.status === 404 ? "missing" : asError(error));
  }
}

async function readUserList(
  users: UserOperations,
  customerId: string,
  wanted: Set<string>,
  reads: CustomerReads,
  call: { signal?: AbortSignal | undefined },
) {
  const found = new Set<string>();
  try {
    for await (const user of users.list(customerId, call)) {
      for (const name of [user.id, user.userPrincipalName]) if (name) found.add(name.toLowerCase());
    }
    for (const user of wanted) reads.users.set(user, found.has(user) ? "found" : "missing");
  } catch (error) {
    for (const user of wanted) reads.users.set(user, asError(error));
  }
}

async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

const asError = (error: unknown): PartnerCenterError =>
  isPartnerCenterError(error) ? error : new PartnerCenterError(`a read failed: ${String(error)}`, {}, { cause: error });
