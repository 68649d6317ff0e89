import { createInterface } from "node:readline/promises";
import { AbortedError, InvalidInputError } from "partner-center-client/errors";
import type { CliIo } from "./io.js";

/**
 * Asks before an irreversible write. `--yes` skips the question. In a terminal the answer must be "y" or "yes";
 * without one (stdin a pipe or a file, as in scripts and CI) nothing can be asked, so the command is refused
 * before anything is sent unless `--yes` says the run means it.
 */
export async function confirm(io: CliIo, what: string, command: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  const stdin = canAsk(io, command, yes);
  // A terminal prompt (stdin is one): keys are read one by one, so that Ctrl-C reaches it.
  const prompt = createInterface({ input: stdin, output: io.stderr, terminal: true });
  // In raw mode Ctrl-C reaches the prompt, not the process: it ends the question (exit 130, nothing sent).
  const interrupted = new AbortController();
  prompt.on("SIGINT", () => interrupted.abort());
  try {
    const answer = await prompt
      .question(`${what}. This cannot be undone. Go ahead? [y/N] `, { signal: interrupted.signal })
      .catch((error: unknown) => {
        if (interrupted.signal.aborted) throw new AbortedError(`${command} was interrupted at its confirmation; nothing was sent`);
        throw error;
      });
    if (!/^y(es)?$/i.test(answer.trim())) throw new InvalidInputError(command, ["not confirmed; nothing was sent"]);
  } finally {
    prompt.close();
  }
}

/** Refuses at once, before anything is read or sent, a command that will need a confirmation nobody can give. */
export function canAsk(io: CliIo, command: string, yes: boolean | undefined): NonNullable<CliIo["stdin"]> {
  if (!yes && io.stdin?.isTTY) return io.stdin;
  throw new InvalidInputError(command, ["it cannot be undone: add --yes to confirm it (there is no terminal to ask in)"]);
}
