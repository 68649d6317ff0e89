/** Where the CLI reads its settings and writes its output; injectable so tests and the demo can run it in-process. */
export interface CliIo {
  /** Tables are fitted to its width when it is a terminal (`columns`). */
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Progress goes here too; a bar is drawn only when this is a terminal. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Read by bulk commands given `-`, and for confirmation prompts, which are shown only when this is a terminal. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** The width tables are fitted to: the terminal's, else COLUMNS (a pipe has no width: no fitting). */
export function outputWidth(io: CliIo): number {
  if (io.stdout.isTTY && io.stdout.columns) return io.stdout.columns;
  const columns = Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : Number.POSITIVE_INFINITY;
}
