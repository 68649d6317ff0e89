import type { Command } from "commander";
import type { License, LicenseUpdate } from "partner-center-client";
import { licenseJob } from "../bulk/jobs.js";
import { begin, type Cli } from "../context.js";
import { formatTable, printResult } from "../output.js";
import { customerArgument, dryRunOption, guidValue, requestIdOption, skuArguments, userArgument } from "./arguments.js";
import { registerBulkCommand } from "./bulk.js";

/** `licenses show|assign|remove|bulk`: one user's licenses, and many users' from a CSV. */
export function registerLicenseCommands(program: Command, cli: Cli): void {
  const licenses = program.command("licenses").description("show, assign and remove users' licenses (App+User token)");

  licenses
    .command("show")
    .description("list the licenses assigned to a user")
    .addArgument(customerArgument())
    .addArgument(userArgument())
    .action(async (customerId: string, userId: string, _options: object, command: Command) => {
      const { pc, print, width, signal } = await begin(cli, command);
      const list = await pc.licenses.listAssigned(customerId, userId, { signal });
      print(list, () => licenseTable(list, width));
    });

  licenses
    .command("assign")
    .description("assign licenses of one or more SKUs to a user")
    .addArgument(customerArgument())
    .addArgument(userArgument())
    .addArgument(skuArguments())
    .option("--exclude-plan <servicePlanId...>", "service plans to leave off (applied to each SKU given)", collectGuids)
    .addOption(dryRunOption())
    .addOption(requestIdOption())
    .addHelpText(
      "after",
      "\nExample:\n  partner-center licenses assign <customerId> adele@contoso.com f8a1db68-be16-40ed-86d5-cb42ce701560 --exclude-plan efb87545-963c-4e0d-99df-69c6916d9eb0",
    )
    .action(
      async (customerId: string, userId: string, skuIds: string[], options: WriteFlags & { excludePlan?: string[] }, command: Command) => {
        const assignments = skuIds.map((skuId) => ({ skuId, ...(options.excludePlan && { excludedPlans: options.excludePlan }) }));
        if (options.dryRun) return dryRun(cli, command, customerId, userId, { licensesToAssign: assignments, licensesToRemove: [] });
        const { pc, print, signal, writeId } = await begin(cli, command);
        const result = await pc.licenses.assign(customerId, userId, assignments, { signal, requestId: writeId(options.requestId) });
        print(result, () => describeUpdate(`Assigned ${skuIds.join(", ")} to ${userId}.`, result));
      },
    );

  licenses
    .command("remove")
    .description("remove licenses of one or more SKUs from a user")
    .addArgument(customerArgument())
    .addArgument(userArgument())
    .addArgument(skuArguments())
    .addOption(dryRunOption())
    .addOption(requestIdOption())
    .action(async (customerId: string, userId: string, skuIds: string[], options: WriteFlags, command: Command) => {
      if (options.dryRun) return dryRun(cli, command, customerId, userId, { licensesToAssign: [], licensesToRemove: skuIds });
      const { pc, print, signal, writeId } = await begin(cli, command);
      const result = await pc.licenses.remove(customerId, userId, skuIds, { signal, requestId: writeId(options.requestId) });
      print(result, () => describeUpdate(`Removed ${skuIds.join(", ")} from ${userId}.`, result));
    });

  registerBulkCommand(licenses, cli, {
    name: "bulk",
    job: licenseJob,
    plan: true,
    description:
      "assign and remove licenses for many users from a CSV or JSON file: customerId,userId,action(assign|remove),skuId[,excludedPlans]",
    example:
      "customerId,userId,action,skuId,excludedPlans\n  0c39d6d5-c70d-4c55-bc02-f620844f3fd1,adele@contoso.com,assign,f8a1db68-be16-40ed-86d5-cb42ce701560,efb87545-963c-4e0d-99df-69c6916d9eb0",
  });
}

interface WriteFlags {
  dryRun?: boolean;
  requestId?: string;
}

const collectGuids = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), guidValue(value)];

// Nothing is sent, not even a token request: the arguments were checked as they were parsed.
function dryRun(cli: Cli, command: Command, customerId: string, userId: string, body: unknown): void {
  const { json } = command.optsWithGlobals<{ json?: boolean }>();
  const request = {
    dryRun: true,
    method: "POST",
    path: `/customers/${encodeURIComponent(customerId)}/users/${encodeURIComponent(userId)}/licenseupdates`,
    body,
  };
  printResult(
    cli.io,
    json,
    request,
    () => `Dry run, nothing sent. Would ${request.method} ${request.path}\n${JSON.stringify(body, null, 2)}`,
  );
}

function licenseTable(licenses: readonly License[], width: number): string {
  if (licenses.length === 0) return "No licenses.";
  const rows = licenses.map((license) => [
    license.productSku?.id,
    license.productSku?.name,
    license.productSku?.skuPartNumber,
    (license.servicePlans ?? []).map((plan) => plan.serviceName).join(" "),
  ]);
  return formatTable(["SKU ID", "NAME", "PART NUMBER", "SERVICE PLANS"], rows, width);
}

function describeUpdate(done: string, result: LicenseUpdate): string {
  const warnings = (result.licenseWarnings ?? []).map((warning) => `warning ${warning.code ?? ""}: ${warning.message ?? ""}`.trim());
  return [done, ...warnings].join("\n");
}
