import { type Command, Option } from "commander";
import type { Customer } from "partner-center-client";
import { begin, type Cli } from "../context.js";
import { csvOption, type ListColumn, listFormat, pageSizeOption, printPages } from "../listing.js";
import { formatFields } from "../output.js";
import { customerArgument, filterValue, wholeNumber } from "./arguments.js";

/** The columns of `customers list`; `customerId` is what every other command takes. */
export const CUSTOMER_COLUMNS: ReadonlyArray<ListColumn<Customer>> = [
  { csv: "customerId", heading: "CUSTOMER ID", value: (customer) => customer.id },
  { csv: "companyName", heading: "COMPANY", value: (customer) => customer.companyProfile?.companyName },
  { csv: "domain", heading: "DOMAIN", value: (customer) => customer.companyProfile?.domain },
  { csv: "relationship", heading: "RELATIONSHIP", value: (customer) => customer.relationshipToPartner },
];

interface ListFlags {
  csv?: boolean;
  nameStartsWith?: string;
  domainStartsWith?: string;
  pageSize?: number;
}

/** `customers list|show`: the partner's customers. */
export function registerCustomerCommands(program: Command, cli: Cli): void {
  const customers = program.command("customers").alias("customer").description("list and show the partner's customers");

  customers
    .command("list")
    .description("list the partner's customers, printed as the pages arrive")
    .addOption(
      new Option("--name-starts-with <text>", "only customers whose company name starts with this text")
        .conflicts("domainStartsWith")
        .argParser(filterValue),
    )
    .addOption(new Option("--domain-starts-with <text>", "only customers whose domain starts with this text").argParser(filterValue))
    .addOption(pageSizeOption("500").argParser(wholeNumber(1)))
    .addOption(csvOption())
    .addHelpText(
      "after",
      "\nExamples:\n  partner-center customers list --name-starts-with Contoso\n  partner-center customers list --csv > customers.csv",
    )
    .action(async (options: ListFlags, command: Command) => {
      const context = await begin(cli, command);
      const filter =
        options.nameStartsWith !== undefined
          ? { companyNameStartsWith: options.nameStartsWith }
          : options.domainStartsWith !== undefined
            ? { domainStartsWith: options.domainStartsWith }
            : undefined;
      const list = context.pc.customers.list({
        signal: context.signal,
        ...(filter && { filter }),
        ...(options.pageSize !== undefined && { pageSize: options.pageSize }),
      });
      await printPages(
        cli.io,
        listFormat({ ...context.options, ...options }),
        context.width,
        CUSTOMER_COLUMNS,
        list.byPage(),
        "No customers.",
      );
    });

  customers
    .command("show")
    .description("show one customer: company, domain, relationship, billing contact")
    .addArgument(customerArgument())
    .action(async (customerId: string, _options: object, command: Command) => {
      const { pc, print, signal } = await begin(cli, command);
      const customer = await pc.customers.get(customerId, { signal });
      print(customer, () => customerFields(customer));
    });
}

function customerFields(customer: Customer): string {
  const company = customer.companyProfile;
  const billing = customer.billingProfile;
  return formatFields([
    ["id", customer.id],
    ["company", company?.companyName],
    ["domain", company?.domain],
    ["tenant id", company?.tenantId],
    ["relationship", customer.relationshipToPartner],
    [
      "delegated access",
      customer.allowDelegatedAccess === undefined || customer.allowDelegatedAccess === null
        ? undefined
        : customer.allowDelegatedAccess
          ? "yes"
          : "no",
    ],
    ["custom domains", customer.customDomains?.join(", ")],
    ["contact", [billing?.firstName, billing?.lastName, billing?.email && `<${billing.email}>`].filter(Boolean).join(" ")],
    ["commerce id", customer.commerceId],
  ]);
}
