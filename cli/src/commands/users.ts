import { type Command, Option } from "commander";
import type { CustomerUser } from "partner-center-client";
import { begin, type Cli } from "../context.js";
import { csvOption, type ListColumn, listFormat, pageSizeOption, printPages } from "../listing.js";
import { formatFields } from "../output.js";
import { customerArgument, userArgument, wholeNumber } from "./arguments.js";

/**
 * The columns of `users list`: customerId and userId are the columns `licenses bulk` reads (add action and skuId).
 * None is named like a report column (status, message, ...): the state is `userState`.
 */
export function userColumns(customerId: string): ReadonlyArray<ListColumn<CustomerUser>> {
  return [
    { csv: "customerId", value: () => customerId },
    { csv: "userId", heading: "USER ID", value: (user) => user.id },
    { csv: "userPrincipalName", heading: "USER PRINCIPAL NAME", value: (user) => user.userPrincipalName },
    { csv: "displayName", heading: "DISPLAY NAME", value: (user) => user.displayName },
    { csv: "userState", heading: "STATE", value: (user) => user.state },
    { csv: "usageLocation", heading: "LOCATION", value: (user) => user.usageLocation },
  ];
}

/** `users list|show`: the user accounts of a customer's tenant (App+User token). */
export function registerUserCommands(program: Command, cli: Cli): void {
  const users = program.command("users").alias("user").description("list and show a customer's users (App+User token)");

  users
    .command("list")
    .description("list a customer's users, printed as the pages arrive")
    .addArgument(customerArgument())
    .addOption(
      new Option("--state <state>", "active users, or inactive ones (deleted in the last 30 days)").choices(["active", "inactive"]),
    )
    .addOption(pageSizeOption("100").argParser(wholeNumber(1)))
    .addOption(csvOption())
    .addHelpText(
      "after",
      "\nFrom users to a bulk license run (add the action and skuId columns):\n  partner-center users list <customerId> --csv > users.csv\n  partner-center licenses bulk users.csv --report report.csv",
    )
    .action(async (customerId: string, options: { csv?: boolean; state?: "active" | "inactive"; pageSize?: number }, command: Command) => {
      const context = await begin(cli, command);
      const list = context.pc.users.list(customerId, {
        signal: context.signal,
        ...(options.state && { state: options.state }),
        ...(options.pageSize !== undefined && { pageSize: options.pageSize }),
      });
      await printPages(
        cli.io,
        listFormat({ ...context.options, ...options }),
        context.width,
        userColumns(customerId),
        list.byPage(),
        "No users.",
      );
    });

  users
    .command("show")
    .description("show one user, by object id or user principal name")
    .addArgument(customerArgument())
    .addArgument(userArgument())
    .action(async (customerId: string, userId: string, _options: object, command: Command) => {
      const { pc, print, signal } = await begin(cli, command);
      const user = await pc.users.get(customerId, userId, { signal });
      print(user, () =>
        formatFields([
          ["id", user.id],
          ["user principal name", user.userPrincipalName],
          ["display name", user.displayName],
          ["name", [user.firstName, user.lastName].filter(Boolean).join(" ")],
          ["state", user.state],
          ["usage location", user.usageLocation],
          ["domain type", user.userDomainType],
          ["last directory sync", user.lastDirectorySyncTime],
          ["deleted", user.softDeletionTime],
        ]),
      );
    });
}
