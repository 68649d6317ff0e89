import type { Cli } from "./context.js";

/** The variables of the App+User settings, as the hint names them. */
const APP_USER = "PARTNER_CENTER_CLIENT_ID, PARTNER_CENTER_CLIENT_SECRET, PARTNER_CENTER_TENANT_ID and PARTNER_CENTER_REFRESH_TOKEN";

/**
 * What to print instead of the one-line failure, for the failures an admin needs words rather than a class for:
 * no token from DefaultAzureCredential (which settings to give; its chain of reasons only with --verbose), and a
 * Ctrl-C (the MS-RequestId of a write that may have landed). Undefined: print the usual line.
 */
export function hintFor(error: unknown, cli: Cli, verbose: boolean): string[] | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "AuthenticationError" && cli.session.credentialSource === "default") {
    const lines = [
      `error: no credentials: set ${APP_USER} (App+User: license and user calls need it),`,
      "  or sign in with `az login` (or set AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET for an app),",
      "  or try any command on the embedded mock with --mock.",
    ];
    const chain = (error as Error).message;
    return verbose ? [...lines, "What each Azure Identity credential said:", ...chain.split("\n").map((line) => `  ${line}`)] : lines;
  }
  if (name === "AbortedError") {
    const requestId = cli.pendingWrite;
    if (requestId === undefined) return ["interrupted"];
    return [
      `interrupted: the write may have reached the service (MS-RequestId ${requestId}).`,
      `  Run the same command again with --request-id ${requestId} so that it is applied at most once, or quote the id to Microsoft support.`,
    ];
  }
  return undefined;
}
