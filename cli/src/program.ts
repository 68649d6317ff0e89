import { Command, Option } from "commander";
import { wholeNumber } from "./commands/arguments.js";
import { registerCustomerCommands } from "./commands/customers.js";
import { registerLicenseCommands } from "./commands/licenses.js";
import { registerSkuCommands } from "./commands/skus.js";
import { registerSubscriptionCommands } from "./commands/subscription.js";
import { registerUpgradeCommands } from "./commands/upgrades.js";
import { registerUserCommands } from "./commands/users.js";
import type { Cli } from "./context.js";
import { exitCodeHelp } from "./exit-codes.js";
import { CLI_VERSION } from "./version.js";

const CREDENTIALS_HELP = `Credentials (read from the environment, never printed):
  App+User (license calls need it): PARTNER_CENTER_REFRESH_TOKEN, PARTNER_CENTER_CLIENT_ID,
    PARTNER_CENTER_CLIENT_SECRET, PARTNER_CENTER_TENANT_ID; set PARTNER_CENTER_REFRESH_TOKEN_FILE to keep each
    rotated refresh token in that file (it is read first on the next run); PARTNER_CENTER_AUTHORITY_HOST for
    national clouds (e.g. https://login.chinacloudapi.cn, with --base-url).
  Otherwise @azure/identity's DefaultAzureCredential: AZURE_* variables, workload or managed identity, az login.
  Without any: --mock runs every command against the embedded mock.`;

/**
 * Builds the `partner-center` command tree for one run. Output and exits go through `cli.io` and thrown
 * CommanderErrors (exitOverride), so the CLI can run in-process.
 */
export function createProgram(cli: Cli): Command {
  const program = new Command("partner-center")
    .description("Microsoft Partner Center from the terminal: licenses, subscriptions, auto-renew and upgrades.")
    .version(CLI_VERSION)
    // Set before any subcommand exists: commander copies these settings into each command as it is created.
    .exitOverride()
    .configureOutput({ writeOut: (text) => cli.io.stdout.write(text), writeErr: (text) => cli.io.stderr.write(text) })
    .showHelpAfterError("(add --help for usage)")
    .option("--json", "print machine-readable JSON on stdout")
    .option("--verbose", "say more when something fails (e.g. what each Azure Identity credential said)")
    .option("--mock", "run against the embedded Prism mock of the API spec: no account, no network")
    .addOption(
      new Option(
        "--mock-prefer <value>",
        "with --mock: Prism Prefer header, e.g. 'code=400, example=licenseQuotaExceeded'; a leading method ('PATCH code=409') limits it to that method",
      ).hideHelp(),
    )
    .addOption(new Option("--mock-url <url>", "with --mock: use the Prism mock already running at <url>").hideHelp())
    .addOption(new Option("--base-url <url>", "API root (default https://api.partnercenter.microsoft.com/v1)").conflicts("mock"))
    .option("--locale <locale>", "language of the service's messages, sent as X-Locale (default en-US)")
    .option("--application-name <name>", "your tool's name, sent as MS-PartnerCenter-Application")
    .addOption(
      new Option("--validation <mode>", "how answers are checked: strict also refuses unknown enum values (default lenient)").choices([
        "lenient",
        "strict",
        "off",
      ]),
    )
    .addOption(
      new Option("--max-retries <n>", "retries of a call after a network error, timeout, 429 or 5xx (default 3; 0 for none)").argParser(
        wholeNumber(0),
      ),
    )
    .addOption(new Option("--timeout <seconds>", "time allowed for each attempt (default 60)").argParser(wholeNumber(1)))
    .addHelpText(
      "after",
      `\n${CREDENTIALS_HELP}\n\n${exitCodeHelp()}\n\nEvery command takes --help, e.g. partner-center licenses assign --help`,
    );

  registerCustomerCommands(program, cli);
  registerUserCommands(program, cli);
  registerSkuCommands(program, cli);
  registerLicenseCommands(program, cli);
  registerSubscriptionCommands(program, cli);
  registerUpgradeCommands(program, cli);
  return program;
}
