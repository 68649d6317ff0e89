import { CommanderError } from "commander";
import type { Cli } from "./context.js";
import { EXIT_USAGE } from "./exit-codes.js";
import { describeFailure, wasSent } from "./failure.js";
import { hintFor } from "./failure-hints.js";
import { type CliIo, processIo } from "./io.js";
import { createProgram } from "./program.js";
import { createSession } from "./session.js";

/**
 * Runs the CLI on `argv` (the arguments after the program name) and resolves with the exit code. Never exits
 * the process, so the demo and tests can call it in-process.
 * @example
 * process.exitCode = await runCli(["skus", "list", customerId, "--mock", "--json"]);
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const cli: Cli = { io, session: createSession(io), exitCode: 0 };
  const program = createProgram(cli);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return cli.exitCode;
  } catch (error) {
    // Commander has already printed its message (or the help); only the exit code is left to choose.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    // Only a call that reached for the service has ids worth quoting: not bad arguments, not a missing token.
    const failure = describeFailure(error, wasSent(error) ? { correlationId: cli.session.correlationId } : {});
    const hint = hintFor(error, cli, program.opts().verbose === true);
    if (hint) io.stderr.write(`${hint.join("\n")}\n`);
    else io.stderr.write(`error: ${failure.line}\n${failure.support ? `${failure.support}\n` : ""}`);
    if (program.opts().json) io.stdout.write(`${JSON.stringify(failure.json)}\n`);
    return failure.exitCode;
  } finally {
    cli.interrupt?.remove();
    await cli.session.close();
  }
}
