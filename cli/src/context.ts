import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import type { PartnerCenterClient } from "partner-center-client";
import { type CliIo, outputWidth } from "./io.js";
import { printResult } from "./output.js";
import type { GlobalOptions, Session } from "./session.js";

/** What a command's action works with: the client, the global options and a printer honouring `--json`. */
export interface ActionContext {
  pc: PartnerCenterClient;
  options: GlobalOptions;
  print(value: unknown, human: () => string): void;
  /** The width tables are fitted to. */
  width: number;
  /** Aborted by Ctrl-C: pass it to the call, so that a wait for a retry ends at once. */
  signal: AbortSignal;
  /** The MS-RequestId for a write (`--request-id` or a new one), noted so that an interrupt can print it. */
  writeId(given: string | undefined): string;
}

/** Shared by every command of one run. */
export interface Cli {
  io: CliIo;
  session: Session;
  /** Set by a command whose outcome is not an error but still not a success (a bulk run with failed rows). */
  exitCode: number;
  /** The MS-RequestId of the write under way: printed if the run is interrupted, to be sent again or quoted. */
  pendingWrite?: string;
  /** Ctrl-C aborts this; made (and the handler added) when a command first needs the client. */
  interrupt?: { controller: AbortController; remove(): void };
}

/** Gets a command's action going: reads the global options and makes (once) the client they describe. */
export async function begin(cli: Cli, command: Command): Promise<ActionContext> {
  const options = command.optsWithGlobals<GlobalOptions>();
  // A bulk run draws its own progress and counts its own throttling: a line per retry would break its bar.
  const pc = await cli.session.client(options, { retryNotices: !command.name().startsWith("bulk") });
  const signal = onInterrupt(cli);
  return {
    pc,
    options,
    print: (value, human) => printResult(cli.io, options.json, value, human),
    width: outputWidth(cli.io),
    signal,
    writeId: (given) => {
      cli.pendingWrite = given ?? randomUUID();
      return cli.pendingWrite;
    },
  };
}

// The first Ctrl-C aborts the call (it ends with "interrupted" and exit 130); the handler is added once, so a
// second Ctrl-C stops the process as usual.
function onInterrupt(cli: Cli): AbortSignal {
  if (!cli.interrupt) {
    const controller = new AbortController();
    const abort = () => controller.abort();
    process.once("SIGINT", abort);
    cli.interrupt = { controller, remove: () => process.removeListener("SIGINT", abort) };
  }
  return cli.interrupt.controller.signal;
}
