#!/usr/bin/env node
/** The `partner-center` executable: runs the CLI on the process's arguments and exits with its code. */
import { runCli } from "./run.js";

// A reader that stops early (`partner-center customers list | head`) closes the pipe: that ends the output, quietly,
// as for any Unix filter. Bulk runs write their summary to stdout only at the end, and their journal and report to
// files, so nothing a run needs is lost.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2));
