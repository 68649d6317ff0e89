import type { Command } from "commander";
import type { PartnerCenterClient } from "partner-center-client";
import type { CliIo } from "./io.js";
import { printResult } from "./output.js";
import type { GlobalOptions, Session } from "./session.js";

/** What a command's action works with: the client, the global options and a printer honouring `--json`. */
export interface ActionContext {
  pc: PartnerCenterClient;
  options: GlobalOptions;
  print(value: unknown, human: () => string): void;
}

/** Shared by every command of one run. */
export interface Cli {
  io: CliIo;
  session: Session;
  /** Set by a command whose outcome is not an error but still not a success (a bulk run with failed rows). */
  exitCode: number;
}

/** Gets a command's action going: reads the global options and makes (once) the client they describe. */
export async function begin(cli: Cli, command: Command): Promise<ActionContext> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const pc = await cli.session.client(options);
  return { pc, options, print: (value, human) => printResult(cli.io, options.json, value, human) };
}
