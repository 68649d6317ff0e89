import { Argument, type Command } from "commander";
import type { Subscription } from "partner-center-client";
import { autoRenewJob } from "../bulk/jobs.js";
import { begin, type Cli } from "../context.js";
import { formatFields } from "../output.js";
import { describe } from "./arguments.js";
import { registerBulkCommand } from "./bulk.js";

/** `subscription show|auto-renew|bulk-auto-renew`. */
export function registerSubscriptionCommands(program: Command, cli: Cli): void {
  const subscription = program.command("subscription").description("show subscriptions and switch their auto-renew");

  subscription
    .command("show")
    .description("show one subscription, with its etag")
    .argument("<customerId>", describe.customerId)
    .argument("<subscriptionId>", describe.subscriptionId)
    .action(async (customerId: string, subscriptionId: string, _options: object, command: Command) => {
      const { pc, print } = await begin(cli, command);
      const result = await pc.subscriptions.get(customerId, subscriptionId);
      print(result, () => subscriptionFields(result));
    });

  subscription
    .command("auto-renew")
    .description("turn auto-renew on or off (re-reads and re-applies if the subscription changed meanwhile)")
    .argument("<customerId>", describe.customerId)
    .argument("<subscriptionId>", describe.subscriptionId)
    .addArgument(new Argument("<state>", "on or off").choices(["on", "off"]))
    .action(async (customerId: string, subscriptionId: string, state: "on" | "off", _options: object, command: Command) => {
      const { pc, print } = await begin(cli, command);
      const result = await pc.subscriptions.setAutoRenew(customerId, subscriptionId, state === "on");
      print(
        result,
        () =>
          `Auto-renew is ${result.autoRenewEnabled ? "on" : "off"} for ${result.offerName ?? "subscription"} ${result.id ?? subscriptionId}.`,
      );
    });

  registerBulkCommand(subscription, cli, {
    name: "bulk-auto-renew",
    job: autoRenewJob,
    description: "turn auto-renew on or off for many subscriptions from a CSV or JSON file: customerId,subscriptionId,enabled(true|false)",
    example: "customerId,subscriptionId,enabled\n  0c39d6d5-c70d-4c55-bc02-f620844f3fd1,aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e,false",
  });
}

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
