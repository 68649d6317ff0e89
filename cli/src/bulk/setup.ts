import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InvalidInputError, type PartnerCenterError } from "partner-center-client/errors";
import type { BulkJob } from "./jobs.js";
import { type JournalContents, type JournalHeader, journalPath, readJournal, rowHash } from "./journal.js";
import { DERIVED_COLUMNS, type Outcome } from "./report.js";
import type { ReportPlace } from "./report-writer.js";
import { type InputRow, openRows, STDIN } from "./rows.js";

/** How a run is set up: what it reads, where its journal is, and the unfinished run it resumes, if any. */
export interface RunSetup {
  /** The file the rows come from: the one given, or (resuming from a report of an unfinished run) that run's input. */
  source: string;
  /** Rows in the source, counted before sending; undefined for standard input. */
  total: number | undefined;
  /** Whether the report path is also the file read (then it is written aside and renamed at the end). */
  readsReport: boolean;
  journal: string;
  header: JournalHeader;
  resume: JournalContents | undefined;
}

const absolute = (file: string): string => (file === STDIN ? STDIN : resolve(file));

/**
 * Decides what a run reads and whether it resumes, before anything is sent. With `--report R`, a journal `R.journal`
 * left by an unfinished run (killed, or stopped by Ctrl-C) is resumed when the command is the same and the input is
 * that run's input, or the report R itself; any other input is refused rather than sent twice. A report of an
 * unfinished run given as input with another report path is refused likewise. The report's folder must be writable.
 * A file's rows are read through once here: a broken line, or an input that is not the one the journal was written
 * for, is found before anything is sent.
 */
export async function prepareRun<Item>(
  job: BulkJob<Item>,
  file: string,
  options: { report?: string | undefined; onlyFailed?: boolean | undefined },
): Promise<RunSetup> {
  const refuse = (problem: string) => new InvalidInputError(`${job.name} ${file}`, [problem]);
  const onlyFailed = options.onlyFailed ?? false;
  let source = file;
  let resume: JournalContents | undefined;
  const report = options.report;
  const journal = journalPath(report ?? file);
  if (report !== undefined) {
    checkWritable(report, refuse);
    resume = await readJournal(journal);
    if (resume) {
      const { header } = resume;
      const again = `run the same command again (${header.command} ${header.input}${header.onlyFailed ? " --only-failed" : ""} --report ${report}) to finish it, or delete ${journal} to start over`;
      if (header.command !== job.name) throw refuse(`${journal} belongs to an unfinished ${header.command} run: ${again}`);
      if (header.onlyFailed !== onlyFailed)
        throw refuse(`the unfinished run in ${journal} was ${header.onlyFailed ? "" : "not "}run with --only-failed: ${again}`);
      const given = absolute(file);
      if (given === resolve(report) && header.input !== given) {
        // The report of an unfinished run holds only the rows finished in order: its run's input has them all.
        if (header.input === STDIN || !existsSync(header.input))
          throw refuse(
            `${report} is the report of an unfinished run of ${header.input === STDIN ? "standard input" : header.input}, which is not there to read: give it again, or delete ${journal} to start over`,
          );
        source = header.input;
      } else if (header.input !== given) throw refuse(`${journal} holds an unfinished run of ${header.input}: ${again}`);
    }
  }
  const ownJournal = journalPath(file);
  if (!resume && file !== STDIN && (report === undefined || resolve(report) !== resolve(file)) && existsSync(ownJournal))
    throw refuse(`${file} is the report of an unfinished run (${ownJournal}): run it again with --report ${file} to finish it`);
  const total = source === STDIN ? undefined : await readThrough(job, source, resume);
  return {
    source,
    total,
    readsReport: report !== undefined && source !== STDIN && absolute(source) === resolve(report),
    journal,
    header: { journal: 1, command: job.name, input: absolute(source), onlyFailed },
    resume,
  };
}

function checkWritable(report: string, refuse: (problem: string) => InvalidInputError): void {
  const folder = dirname(resolve(report));
  try {
    if (!statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
    accessSync(folder, constants.W_OK);
    if (existsSync(report)) accessSync(report, constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? `no folder ${folder}` : (error as Error).message;
    throw refuse(`cannot write the report ${report}: ${reason}`);
  }
}

// Counts the rows, checking that every line parses and (resuming) that each row is the one the journal recorded.
async function readThrough<Item>(job: BulkJob<Item>, file: string, resume: JournalContents | undefined): Promise<number> {
  const source = await openRows(file, [...job.required, ...job.optional, ...DERIVED_COLUMNS], job.name);
  const columns = source.columns.filter((column) => !DERIVED_COLUMNS.includes(column));
  let count = 0;
  for await (const row of source.rows) {
    count += 1;
    const entry = resume?.entries.get(row.index);
    if (entry && entry.hash !== rowHash(row.cells, columns))
      throw new InvalidInputError(job.name, [
        `${file} differs from the input of the unfinished run at data row ${row.index + 1}: give the same rows, or delete the journal to start over`,
      ]);
  }
  return count;
}

/** Refuses an input without the columns the command needs. */
export function checkColumns(job: BulkJob<unknown>, file: string, columns: readonly string[], onlyFailed: boolean): void {
  const missing = job.required.filter((column) => !columns.includes(column));
  if (onlyFailed && !columns.includes("status")) missing.push("status (--only-failed reads a report of an earlier run)");
  if (missing.length === 0) return;
  const expected = [...job.required, ...job.optional.map((column) => `[${column}]`)].join(",");
  const semicolons = columns.length === 1 && (columns[0] ?? "").includes(";") ? "; the header has ';' inside a quoted field" : "";
  throw new InvalidInputError(`${job.name} ${file}`, [`missing column(s) ${missing.join(", ")}; expected ${expected}${semicolons}`]);
}

/** A failed row as the summary lists it. */
export type FailedRow = { row: number; line?: number } & Record<string, string | number | undefined>;

/** What a bulk run did: the counts, the first failures, and where the report went. */
export interface BulkSummary {
  file: string;
  /** Rows read from the input. */
  rows: number;
  /** Rows not sent because an earlier run's report marks them done (ok, or not failed with --only-failed). */
  skipped: number;
  /** Rows finished by the unfinished run this one resumed, not sent again. */
  resumed: number;
  ok: number;
  failed: number;
  /** Rows in flight when the run was stopped: they may have been applied. */
  interruptedInFlight: number;
  /** Rows the run did not send because it was stopped first. */
  notSent: number;
  /** Rows `--dry-run` checked and would send. */
  wouldSend: number;
  interrupted: boolean;
  /** The run was declined at the prompt: nothing was sent. */
  cancelled: boolean;
  /** The input broke off (a line that does not parse, met while streaming standard input). */
  inputError: PartnerCenterError | undefined;
  report: ReportPlace | undefined;
  /** The first failures (at most {@link FAILURES_KEPT}), in the order they came. */
  failures: FailedRow[];
}

/** Failures kept for the summary; the report holds them all. */
export const FAILURES_KEPT = 1000;

/** Counts a run's rows as they are settled. */
export class Tally {
  report: ReportPlace | undefined;
  inputError: PartnerCenterError | undefined;
  private readonly counts = { rows: 0, skipped: 0, resumed: 0, ok: 0, failed: 0, interrupted: 0, notSent: 0, dryRun: 0 };
  private readonly failures: FailedRow[] = [];

  constructor(
    private readonly file: string,
    private readonly setup: RunSetup,
  ) {}

  /** Rows the run leaves unfinished: a re-run sends them. */
  get unfinished(): number {
    return this.counts.interrupted + this.counts.notSent;
  }

  count(row: InputRow, kind: "final" | "resumed" | "skipped" | "interrupted" | "not-sent" | "dry-run", outcome: Outcome): void {
    this.counts.rows += 1;
    if (kind === "resumed") this.counts.resumed += 1;
    else if (kind === "skipped") this.counts.skipped += 1;
    else if (kind === "interrupted") this.counts.interrupted += 1;
    else if (kind === "not-sent") this.counts.notSent += 1;
    else if (kind === "dry-run") this.counts.dryRun += 1;
    else if (outcome.status === "ok") this.counts.ok += 1;
    else {
      this.counts.failed += 1;
      if (this.failures.length < FAILURES_KEPT)
        this.failures.push({ row: row.index + 1, ...(row.line !== undefined && { line: row.line }), ...row.cells, ...outcome });
    }
  }

  cancelled(): BulkSummary {
    return { ...this.summary(false), cancelled: true, rows: this.setup.total ?? 0, notSent: this.setup.total ?? 0 };
  }

  summary(interrupted: boolean): BulkSummary {
    const { rows, skipped, resumed, ok, failed, interrupted: inFlight, notSent, dryRun } = this.counts;
    return {
      file: this.file,
      rows,
      skipped,
      resumed,
      ok,
      failed,
      interruptedInFlight: inFlight,
      notSent,
      wouldSend: dryRun,
      interrupted,
      cancelled: false,
      inputError: this.inputError,
      report: this.report,
      failures: this.failures,
    };
  }
}
