import { type Command, Option } from "commander";
import type { BulkJob } from "../bulk/jobs.js";
import type { BulkCommandOptions } from "../bulk/run.js";
import { begin, type Cli } from "../context.js";
import { EXIT_BULK_FAILURES, EXIT_INTERRUPTED, EXIT_USAGE } from "../exit-codes.js";
import { wholeNumber } from "./arguments.js";
import { confirmInTerminal, printPlan, printSummary } from "./bulk-summary.js";

/** What a bulk command is called, what it runs, and an example input for its help. */
export interface BulkCommandSpec<Item> {
  name: string;
  job: BulkJob<Item>;
  description: string;
  example: string;
  /** Whether the command takes `--plan` (licenses: `pc.licenses.planBulk`). */
  plan?: boolean;
}

type BulkFlags = Omit<BulkCommandOptions, "signal" | "confirm"> & { yes?: boolean; plan?: boolean };

/** Adds a bulk command reading a CSV or JSON file (`-`: standard input), with a report that can be fed back to re-run the failures. */
export function registerBulkCommand<Item>(parent: Command, cli: Cli, spec: BulkCommandSpec<Item>): void {
  const path = `${parent.name()} ${spec.name}`;
  const command = parent
    .command(spec.name)
    .description(spec.description)
    .argument(
      "<file>",
      "rows to apply: a .csv file with a header line (',' or ';' between fields; white space around a cell is trimmed), a .json array, or - for CSV on standard input; an earlier --report works too",
    )
    .option(
      "--report <file>",
      "write every row's outcome to this .csv or .json file as the run goes (input columns, status, errorClass, code, message, requestId, correlationId), with a journal beside it that makes a killed run resumable",
    )
    .option("--only-failed", "send only the rows a report marks failed, interrupted or not-sent (rows marked ok are never sent again)")
    .option("--dry-run", "check every row and show what would be sent; send nothing")
    .option("-y, --yes", "do not ask for confirmation (asked only when stdin and stderr are terminals)")
    .option("--concurrency <n>", "calls in flight at once (default 32)", wholeNumber(1))
    .option("--per-customer-concurrency <n>", "calls in flight at once per customer (default 4)", wholeNumber(1))
    .option(
      "--max-throttle-retries <n>",
      "times one row is sent again after a 429 before it is reported failed (default 20)",
      wholeNumber(0),
    );
  if (spec.plan)
    command.addOption(
      new Option(
        "--plan",
        "check the rows against the customers' SKUs, free units and users (reads only); report a verdict per row",
      ).conflicts("dryRun"),
    );
  command
    .addHelpText(
      "after",
      `\nExample input:\n  ${spec.example}\n\nRe-running: pass the report as <file> (same columns plus the outcome); rows whose status is ok are skipped,` +
        ` the others are sent again. A run with any failed row exits with ${EXIT_BULK_FAILURES}.\n  partner-center ${path} rows.csv --report report.csv\n  partner-center ${path} report.csv --only-failed --report report.csv\n\n` +
        "Killed or stopped (Ctrl-C): the report holds the rows finished so far and <report>.journal the MS-RequestId of every row sent. " +
        "Run the same command again: only the unfinished rows are sent, each under the MS-RequestId it was first sent with.",
    )
    .action(async (file: string, flags: BulkFlags, action: Command) => {
      const options = action.optsWithGlobals<{ json?: boolean }>();
      // Ctrl-C stops the run: running rows are aborted and reported interrupted, the rest not sent. A second Ctrl-C kills.
      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.once("SIGINT", interrupt);
      const stdin = cli.io.stdin;
      const context = {
        pc: async () => (await begin(cli, action)).pc,
        correlationId: cli.session.correlationId,
        io: cli.io,
        ...(stdin && { stdin }),
      };
      try {
        if (flags.plan) {
          // Loaded when a bulk run starts: CSV parsing, the progress bar and the client are not needed for --help.
          const { planBulkFile } = await import("../bulk/plan.js");
          const plan = await planBulkFile(file, { ...context, options: { ...flags, signal: controller.signal } });
          cli.exitCode = printPlan(cli, options.json, path, plan);
          return;
        }
        const asks = !flags.yes && !flags.dryRun && file !== "-" && Boolean(stdin?.isTTY && cli.io.stderr.isTTY);
        const { runBulkFile } = await import("../bulk/run.js");
        const summary = await runBulkFile(spec.job, file, {
          ...context,
          options: {
            ...flags,
            signal: controller.signal,
            ...(asks && stdin && { confirm: (rows) => confirmInTerminal(stdin, cli.io.stderr, path, file, rows) }),
          },
        });
        printSummary(cli, options.json, path, flags, summary);
        cli.exitCode =
          summary.interrupted || summary.cancelled
            ? EXIT_INTERRUPTED
            : summary.inputError
              ? EXIT_USAGE
              : summary.failed > 0 || summary.report?.fallback
                ? EXIT_BULK_FAILURES
                : 0;
      } finally {
        process.removeListener("SIGINT", interrupt);
      }
    });
}
