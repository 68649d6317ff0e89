import type { Command } from "commander";
import type { Upgrade, UpgradeResult } from "partner-center-client";
import { InvalidInputError } from "partner-center-client/errors";
import { begin, type Cli } from "../context.js";
import { formatTable } from "../output.js";
import { describe, wholeNumber } from "./arguments.js";

/** `upgrades list|perform` for legacy license-based subscriptions. */
export function registerUpgradeCommands(program: Command, cli: Cli): void {
  const upgrades = program.command("upgrades").description("list and perform upgrades of legacy license-based subscriptions");

  upgrades
    .command("list")
    .description("list the offers a subscription can be upgraded to, and whether each is eligible")
    .argument("<customerId>", describe.customerId)
    .argument("<subscriptionId>", describe.subscriptionId)
    .action(async (customerId: string, subscriptionId: string, _options: object, command: Command) => {
      const { pc, print } = await begin(cli, command);
      const list = await pc.upgrades.list(customerId, subscriptionId);
      print(list, () => upgradeTable(list));
    });

  upgrades
    .command("perform")
    .description("upgrade a subscription to one of the offers `upgrades list` shows")
    .argument("<customerId>", describe.customerId)
    .argument("<subscriptionId>", describe.subscriptionId)
    .argument("<targetOfferId>", "the offer to move to (TARGET OFFER in `upgrades list`)")
    .option("--quantity <n>", "licenses to move (default: the upgrade's own quantity)", wholeNumber(1))
    .action(async (customerId: string, subscriptionId: string, targetOfferId: string, options: { quantity?: number }, command: Command) => {
      const { pc, print } = await begin(cli, command);
      // The service wants the upgrade object from the list, not just an offer id: look it up first.
      const list = await pc.upgrades.list(customerId, subscriptionId);
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
      const result = await pc.upgrades.perform(
        customerId,
        subscriptionId,
        upgrade,
        options.quantity === undefined ? {} : { quantity: options.quantity },
      );
      print(result, () => describeResult(result));
    });
}

function upgradeTable(upgrades: readonly Upgrade[]): string {
  if (upgrades.length === 0) return "No upgrades.";
  const rows = upgrades.map((upgrade) => [
    upgrade.targetOffer?.id,
    upgrade.targetOffer?.name,
    upgrade.upgradeType,
    upgrade.quantity,
    upgrade.isEligible ? "yes" : `no: ${(upgrade.upgradeErrors ?? []).map((error) => error.description ?? error.code).join("; ")}`,
  ]);
  return formatTable(["TARGET OFFER", "NAME", "TYPE", "QUANTITY", "ELIGIBLE"], rows);
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
