import type { Command } from "commander";
import type { SubscribedSku } from "partner-center-client";
import { begin, type Cli } from "../context.js";
import { formatTable } from "../output.js";
import { customerArgument } from "./arguments.js";

/** `skus list`: the SKUs a customer has bought. */
export function registerSkuCommands(program: Command, cli: Cli): void {
  const skus = program.command("skus").description("SKUs a customer has bought (subscribed SKUs)");
  skus
    .command("list")
    .description("list the customer's SKUs with free and used units (needs an App+User token)")
    .addArgument(customerArgument())
    .option("--group <licenseGroupId...>", "only these license groups: group1 (Entra ID products), group2 (Minecraft)")
    .addHelpText("after", "\nExample:\n  partner-center skus list 0c39d6d5-c70d-4c55-bc02-f620844f3fd1 --group group1")
    .action(async (customerId: string, options: { group?: string[] }, command: Command) => {
      const { pc, print, width, signal } = await begin(cli, command);
      const list = await pc.licenses.listSubscribedSkus(customerId, { signal, ...(options.group && { licenseGroupIds: options.group }) });
      print(list, () => skuTable(list, width));
    });
}

function skuTable(skus: readonly SubscribedSku[], width: number): string {
  if (skus.length === 0) return "No SKUs.";
  const rows = skus.map((sku) => [
    sku.productSku?.id,
    sku.productSku?.name,
    sku.productSku?.skuPartNumber,
    sku.productSku?.licenseGroupId,
    sku.availableUnits,
    sku.consumedUnits,
    sku.totalUnits,
  ]);
  return formatTable(["SKU ID", "NAME", "PART NUMBER", "GROUP", "FREE", "USED", "TOTAL"], rows, width);
}
