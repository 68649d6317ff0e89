import { Argument, type Command } from "commander";
import type { Subscription } from "partner-center-client";
import { autoRenewJob } from "../bulk/jobs.js";
import { begin, type Cli } from "../context.js";
import { EXIT_NOT_AS_ASKED } from "../exit-codes.js";
import { formatFields } from "../output.js";
import { customerArgument, dryRunOption, requestIdOption, subscriptionArgument } from "./arguments.js";
import { registerBulkCommand } from "./bulk.js";
import { registerSubscriptionList } from "./subscription-list.js";

/** `subscription show|auto-renew|bulk-auto-renew`. */
export function registerSubscriptionCommands(program: Command, cli: Cli): void {
  const subscription = program
    .command("subscription")
    .alias("subscriptions")
    .description("list and show subscriptions and switch their auto-renew");

  registerSubscriptionList(subscription, cli);

  subscription
    .command("show")
    .description("show one subscription, with its etag")
    .addArgument(customerArgument())
    .addArgument(subscriptionArgument())
    .action(async (customerId: string, subscriptionId: string, _options: object, command: Command) => {
      const { pc, print, signal } = await begin(cli, command);
      const result = await pc.subscriptions.get(customerId, subscriptionId, { signal });
      print(result, () => subscriptionFields(result));
    });

  subscription
    .command("auto-renew")
    .description("turn auto-renew on or off (re-reads and re-applies if the subscription changed meanwhile)")
    .addArgument(customerArgument())
    .addArgument(subscriptionArgument())
    .addArgument(new Argument("<state>", "on or off").choices(["on", "off"]))
    .addOption(dryRunOption("read the subscription and say what would change; change nothing"))
    .addOption(requestIdOption())
    .addHelpText("after", `\nExits with ${EXIT_NOT_AS_ASKED} (and a warning) when the service's answer shows auto-renew not as asked.`)
    .action(
      async (
        customerId: string,
        subscriptionId: string,
        state: "on" | "off",
        options: { dryRun?: boolean; requestId?: string },
        command: Command,
      ) => {
        const { pc, print, signal, writeId } = await begin(cli, command);
        const wanted = state === "on";
        if (options.dryRun) {
          const current = await pc.subscriptions.get(customerId, subscriptionId, { signal });
          const now = onOff(current.autoRenewEnabled);
          print({ dryRun: true, subscription: current, autoRenewEnabled: wanted }, () =>
            current.autoRenewEnabled === wanted
              ? `Dry run, nothing changed: auto-renew is already ${state} for ${name(current, subscriptionId)}.`
              : `Dry run, nothing changed: would turn auto-renew ${state} for ${name(current, subscriptionId)} (now ${now}).`,
          );
          return;
        }
        const result = await pc.subscriptions.setAutoRenew(customerId, subscriptionId, wanted, {
          signal,
          requestId: writeId(options.requestId),
        });
        print(result, () => `Auto-renew is ${onOff(result.autoRenewEnabled)} for ${name(result, subscriptionId)}.`);
        // The service answered, but not with what was asked (a policy or the subscription's state kept it): say so.
        if (result.autoRenewEnabled !== undefined && result.autoRenewEnabled !== null && result.autoRenewEnabled !== wanted) {
          cli.io.stderr.write(
            `warning: asked to turn auto-renew ${state}, but the service answered with auto-renew ${onOff(result.autoRenewEnabled)} (MS-RequestId ${cli.pendingWrite})\n`,
          );
          cli.exitCode = EXIT_NOT_AS_ASKED;
        }
      },
    );

  registerBulkCommand(subscription, cli, {
    name: "bulk-auto-renew",
    job: autoRenewJob,
    description: "turn auto-renew on or off for many subscriptions from a CSV or JSON file: customerId,subscriptionId,enabled(true|false)",
    example: "customerId,subscriptionId,enabled\n  0c39d6d5-c70d-4c55-bc02-f620844f3fd1,aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e,false",
  });
}

const onOff = (value: boolean | null | undefined) => (value === undefined || value === null ? "unknown" : value ? "on" : "off");
const name = (subscription: Subscription, fallbackId: string) =>
  `${subscription.offerName ?? "subscription"} ${subscription.id ?? fallbackId}`;

function subscriptionFields(subscription: Subscription): string {
  return formatFields([
    ["id", subscription.id],
    ["offer", [subscription.offerName, subscription.offerId && `(${subscription.offerId})`].filter(Boolean).join(" ")],
    ["friendly name", subscription.friendlyName],
    ["quantity", subscription.quantity],
    ["status", subscription.status],
    ["auto-renew", subscription.autoRenewEnabled === undefined ? undefined : subscription.autoRenewEnabled ? "on" : "off"],
    ["billing", [subscription.billingCycle, subscription.termDuration].filter(Boolean).join(", ")],
    ["commitment ends", subscription.commitmentEndDate],
    ["etag", subscription.attributes?.etag],
  ]);
}
