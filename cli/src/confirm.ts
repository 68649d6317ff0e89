import { createInterface } from "node:readline/promises";
import { InvalidInputError } from "partner-center-client/errors";
import type { CliIo } from "./io.js";

/**
 * Asks before an irreversible write. `--yes` skips the question. In a terminal the answer must be "y" or "yes";
 * without one (stdin a pipe or a file, as in scripts and CI) nothing can be asked, so the command is refused
 * before anything is sent unless `--yes` says the run means it.
 */
export async function confirm(io: CliIo, what: string, command: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  const stdin = io.stdin;
  if (!stdin?.isTTY)
    throw new InvalidInputError(command, [`${what} cannot be undone: add --yes to confirm it (there is no terminal to ask in)`]);
  const prompt = createInterface({ input: stdin, output: io.stderr });
  try {
    const answer = await prompt.question(`${what}. This cannot be undone. Go ahead? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new InvalidInputError(command, ["not confirmed"]);
  } finally {
    prompt.close();
  }
}
