import type { Command } from "commander";
import type { Upgrade, UpgradeResult } from "partner-center-client";
import { InvalidInputError } from "partner-center-client/errors";
import { canAsk, confirm } from "../confirm.js";
import { begin, type Cli } from "../context.js";
import { formatTable, plural } from "../output.js";
import { customerArgument, dryRunOption, requestIdOption, subscriptionArgument, wholeNumber } from "./arguments.js";

/** `upgrades list|perform` for legacy license-based subscriptions. */
export function registerUpgradeCommands(program: Command, cli: Cli): void {
  const upgrades = program.command("upgrades").description("list and perform upgrades of legacy license-based subscriptions");

  upgrades
    .command("list")
    .description("list the offers a subscription can be upgraded to, and whether each is eligible")
    .addArgument(customerArgument())
    .addArgument(subscriptionArgument())
    .action(async (customerId: string, subscriptionId: string, _options: object, command: Command) => {
      const { pc, print, width, signal } = await begin(cli, command);
      const list = await pc.upgrades.list(customerId, subscriptionId, { signal });
      print(list, () => upgradeTable(list, width));
    });

  upgrades
    .command("perform")
    .description("upgrade a subscription to one of the offers `upgrades list` shows")
    .addArgument(customerArgument())
    .addArgument(subscriptionArgument())
    .argument("<targetOfferId>", "the offer to move to (TARGET OFFER in `upgrades list`)")
    .option("--quantity <n>", "licenses to move (default: the upgrade's own quantity)", wholeNumber(1))
    .addOption(dryRunOption("read the upgrades and say what would be done; change nothing"))
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .addOption(requestIdOption())
    .addHelpText("after", "\nAn upgrade cannot be undone: in a terminal the command asks first; elsewhere (scripts, CI) it needs --yes.")
    .action(async (customerId: string, subscriptionId: string, targetOfferId: string, options: PerformFlags, command: Command) => {
      if (!options.dryRun && !options.yes) canAsk(cli.io, "upgrades perform", options.yes);
      const { pc, print, signal, writeId } = await begin(cli, command);
      // The service wants the upgrade object from the list, not just an offer id: look it up first.
      const list = await pc.upgrades.list(customerId, subscriptionId, { signal });
      const upgrade = list.find((item) => item.targetOffer?.id?.toLowerCase() === targetOfferId.trim().toLowerCase());
      if (!upgrade) {
        const offers =
          list
            .map((item) => item.targetOffer?.id)
            .filter(Boolean)
            .join(", ") || "none";
        throw new InvalidInputError("upgrades perform", [
          `subscription ${subscriptionId} has no upgrade to offer ${targetOfferId} (it has: ${offers})`,
        ]);
      }
      const quantity = options.quantity ?? upgrade.quantity;
      const what = `Upgrade subscription ${subscriptionId} to ${upgrade.targetOffer?.name ?? targetOfferId}${quantity === undefined || quantity === null ? "" : ` (${plural(quantity, "license")})`}`;
      if (options.dryRun) {
        const eligible = upgrade.isEligible ? "eligible" : "not eligible now";
        print(
          { dryRun: true, upgrade, quantity },
          () => `Dry run, nothing changed. Would ${what[0]!.toLowerCase()}${what.slice(1)}: ${eligible}.`,
        );
        return;
      }
      await confirm(cli.io, what, "upgrades perform", options.yes);
      const result = await pc.upgrades.perform(customerId, subscriptionId, upgrade, {
        signal,
        requestId: writeId(options.requestId),
        ...(options.quantity !== undefined && { quantity: options.quantity }),
      });
      print(result, () => describeResult(result));
    });
}

interface PerformFlags {
  quantity?: number;
  dryRun?: boolean;
  yes?: boolean;
  requestId?: string;
}

function upgradeTable(upgrades: readonly Upgrade[], width: number): string {
  if (upgrades.length === 0) return "No upgrades.";
  const rows = upgrades.map((upgrade) => [
    upgrade.targetOffer?.id,
    upgrade.targetOffer?.name,
    upgrade.upgradeType,
    upgrade.quantity,
    upgrade.isEligible ? "yes" : `no: ${(upgrade.upgradeErrors ?? []).map((error) => error.description ?? error.code).join("; ")}`,
  ]);
  return formatTable(["TARGET OFFER", "NAME", "TYPE", "QUANTITY", "ELIGIBLE"], rows, width);
}

function describeResult(result: UpgradeResult): string {
  // Users whose licenses did not move are part of a successful answer, not an error: list them.
  const users = (result.licenseErrors ?? []).map(
    (user) =>
      `license not moved for ${user.email ?? user.userObjectId}: ${(user.errors ?? []).map((error) => `${error.code} ${error.description ?? ""}`.trim()).join("; ")}`,
  );
  return [
    `Upgraded ${result.sourceSubscriptionId ?? ""} to ${result.targetSubscriptionId || "a new subscription"} (${result.upgradeType ?? "upgrade"}).`,
    ...users,
  ].join("\n");
}
