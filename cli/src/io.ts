/** Where the CLI reads its settings and writes its output; injectable so tests and the demo can run it in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  /** Progress goes here too; a bar is drawn only when this is a terminal. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /** Read by bulk commands given `-`, and for their confirmation prompt when it is a terminal. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin };
}
