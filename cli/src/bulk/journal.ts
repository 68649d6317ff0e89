import { createHash } from "node:crypto";
import { closeSync, createReadStream, existsSync, openSync, rmSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { OUTCOME_COLUMNS, type Outcome } from "./report.js";

/**
 * The write-ahead journal of a bulk run, beside its report (`<report>.journal`), one JSON object a line:
 * - first, what run it belongs to: `{"journal":1,"command":"licenses bulk","input":"/abs/users.csv","onlyFailed":false}`;
 * - before a row is sent, its MS-RequestId: `{"row":0,"hash":"…","requestId":"…"}`;
 * - when its answer is final (ok or failed), the outcome: `{"row":0,"hash":"…","outcome":["ok","","","","…","…"]}`.
 *
 * Each line is one write(2) to a file opened for appending, so it is in the kernel before the row is sent and
 * survives the process being killed (SIGKILL, the OOM killer). The run that finishes every row deletes it; a run
 * given the same report path again finds it and resumes: rows with an outcome are not sent again, rows with only
 * an id are sent again under that id, so the service applies each at most once.
 */
export interface JournalHeader {
  journal: 1;
  command: string;
  /** The input file's absolute path, or "-" for standard input. */
  input: string;
  onlyFailed: boolean;
}

/** What the journal holds for one row. */
export interface JournalEntry {
  hash: string;
  requestId?: string;
  outcome?: Outcome;
}

/** A journal read back: its header and its rows by index. */
export interface JournalContents {
  header: JournalHeader;
  entries: Map<number, JournalEntry>;
}

/** The journal's path beside a report. */
export const journalPath = (report: string): string => `${report}.journal`;

/** A short digest of a row's input cells, so a resumed run notices an input that changed under it. */
export function rowHash(cells: Readonly<Record<string, string>>, columns: readonly string[]): string {
  return createHash("sha1")
    .update(JSON.stringify(columns.map((column) => cells[column] ?? "")))
    .digest("hex")
    .slice(0, 16);
}

/** Reads a journal; undefined when there is none. A last line cut off by a kill is ignored. */
export async function readJournal(path: string): Promise<JournalContents | undefined> {
  if (!existsSync(path)) return undefined;
  let header: JournalHeader | undefined;
  const entries = new Map<number, JournalEntry>();
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY })) {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (record.journal === 1) {
      header = record as unknown as JournalHeader;
      continue;
    }
    if (typeof record.row !== "number" || typeof record.hash !== "string") continue;
    const entry = entries.get(record.row) ?? { hash: record.hash };
    if (typeof record.requestId === "string") entry.requestId = record.requestId;
    const outcome = record.outcome;
    if (Array.isArray(outcome))
      entry.outcome = Object.fromEntries(OUTCOME_COLUMNS.map((column, at) => [column, String(outcome[at] ?? "")])) as Outcome;
    entries.set(record.row, entry);
  }
  return header ? { header, entries } : undefined;
}

/** A journal open for appending. */
export class Journal {
  private readonly fd: number;

  /** Opens (creating it, with its header, if `header` is given) the journal at `path`. */
  constructor(
    readonly path: string,
    header?: JournalHeader,
  ) {
    this.fd = openSync(path, "a");
    if (header) this.append(header);
  }

  /** Records the id a row is about to be sent with; call before sending. */
  sent(row: number, hash: string, requestId: string): void {
    this.append({ row, hash, requestId });
  }

  /** Records a row's final outcome (ok or failed). */
  finished(row: number, hash: string, outcome: Outcome): void {
    this.append({ row, hash, outcome: OUTCOME_COLUMNS.map((column) => outcome[column]) });
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Closes and deletes the journal: every row is finished. */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }

  private append(record: unknown): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }
}
