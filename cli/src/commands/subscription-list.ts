import { type Command, Option } from "commander";
import type { CustomerListResult, Subscription } from "partner-center-client";
import { begin, type Cli } from "../context.js";
import { EXIT_BULK_FAILURES } from "../exit-codes.js";
import { describeFailure } from "../failure.js";
import { csvOption, type ListColumn, listFormat, printPages } from "../listing.js";
import { plural } from "../output.js";
import { filterValue, guidValue, partnerIdValue, wholeNumber } from "./arguments.js";

/** A subscription with the customer it belongs to (a walk across customers mixes them). */
export interface CustomerSubscription {
  customerId: string;
  subscription: Subscription;
}

/**
 * The columns of `subscriptions list`: customerId and subscriptionId are the columns `subscription bulk-auto-renew`
 * reads (add `enabled`). None is named like a report column: the status is `subscriptionStatus`.
 */
export function subscriptionColumns(allCustomers: boolean): ReadonlyArray<ListColumn<CustomerSubscription>> {
  return [
    { csv: "customerId", ...(allCustomers && { heading: "CUSTOMER ID" }), value: (row) => row.customerId },
    { csv: "subscriptionId", heading: "SUBSCRIPTION ID", value: (row) => row.subscription.id },
    { csv: "offerName", heading: "OFFER", value: (row) => row.subscription.offerName },
    { csv: "friendlyName", value: (row) => row.subscription.friendlyName },
    { csv: "quantity", heading: "QUANTITY", value: (row) => row.subscription.quantity },
    { csv: "subscriptionStatus", heading: "STATUS", value: (row) => row.subscription.status },
    { csv: "autoRenewEnabled", heading: "AUTO-RENEW", value: (row) => autoRenew(row.subscription.autoRenewEnabled) },
    { csv: "billingCycle", value: (row) => row.subscription.billingCycle },
    { csv: "commitmentEndDate", heading: "ENDS", value: (row) => row.subscription.commitmentEndDate?.slice(0, 10) },
  ];
}

const autoRenew = (value: boolean | null | undefined) => (value === undefined || value === null ? undefined : value ? "on" : "off");

interface ListFlags {
  csv?: boolean;
  allCustomers?: boolean;
  orderId?: string;
  mpnId?: string;
  concurrency?: number;
}

/** `subscriptions list <customerId | --all-customers>`. */
export function registerSubscriptionList(parent: Command, cli: Cli): void {
  parent
    .command("list")
    .description("list a customer's subscriptions, or every customer's (--all-customers), printed as they arrive")
    .argument("[customerId]", "the customer's tenant id (a GUID); leave out with --all-customers", guidValue)
    .option("--all-customers", "every customer of the partner, several at once at the service's pace")
    .addOption(
      new Option("--order-id <id>", "only the subscriptions of this order").conflicts(["mpnId", "allCustomers"]).argParser(filterValue),
    )
    .addOption(new Option("--mpn-id <id>", "only those this indirect reseller (partner id) sold").argParser(partnerIdValue))
    .addOption(new Option("--concurrency <n>", "with --all-customers: customers read at once (default 16)").argParser(wholeNumber(1)))
    .addOption(csvOption())
    .addHelpText(
      "after",
      "\nFrom subscriptions to a bulk auto-renew run (add an enabled column, true or false):\n  partner-center subscriptions list --all-customers --csv > subs.csv\n  partner-center subscription bulk-auto-renew subs.csv --report report.csv",
    )
    .action(async (customerId: string | undefined, options: ListFlags, command: Command) => {
      if ((customerId === undefined) === !options.allCustomers)
        command.error("error: give a <customerId> or --all-customers (one of them)", { exitCode: 2 });
      const context = await begin(cli, command);
      const { pc, signal } = context;
      const format = listFormat({ ...context.options, ...options });
      const columns = subscriptionColumns(customerId === undefined);
      if (customerId !== undefined) {
        const filter =
          options.orderId !== undefined ? { orderId: options.orderId } : options.mpnId !== undefined ? { mpnId: options.mpnId } : {};
        const pages = withCustomer(customerId, pc.subscriptions.list(customerId, { signal, ...filter }).byPage());
        await printPages(cli.io, format, context.width, columns, pages, "No subscriptions.");
        return;
      }
      const failed: string[] = [];
      const walk = pc.subscriptions.listAcrossCustomers(undefined, {
        signal,
        ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
        ...(options.mpnId !== undefined && { list: { mpnId: options.mpnId } }),
      });
      const count = await printPages(cli.io, format, context.width, columns, perCustomer(walk, cli, failed), "No subscriptions.");
      if (failed.length > 0) {
        cli.io.stderr.write(
          `warning: ${plural(count, "subscription")} listed; ${plural(failed.length, "customer")} could not be read: ${failed.join(", ")}\n`,
        );
        cli.exitCode = EXIT_BULK_FAILURES;
      }
    });
}

async function* withCustomer(customerId: string, pages: AsyncIterable<Subscription[]>): AsyncGenerator<CustomerSubscription[]> {
  for await (const page of pages) yield page.map((subscription) => ({ customerId, subscription }));
}

// Each customer's subscriptions as that customer's list completes; a customer that could not be read is told on stderr.
async function* perCustomer(
  walk: AsyncIterable<CustomerListResult<Subscription>>,
  cli: Cli,
  failed: string[],
): AsyncGenerator<CustomerSubscription[]> {
  for await (const result of walk) {
    if (!result.ok) {
      failed.push(result.customerId);
      cli.io.stderr.write(`warning: customer ${result.customerId}: ${describeFailure(result.error).line}\n`);
    }
    yield result.items.map((subscription) => ({ customerId: result.customerId, subscription }));
  }
}
