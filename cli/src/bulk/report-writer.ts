import { closeSync, openSync, readSync, renameSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { InvalidInputError } from "partner-center-client/errors";
import { isJsonPath } from "./rows.js";

/** Where a report ended up: the path asked for, or (when writing there failed) another, with the reason. */
export interface ReportPlace {
  path: string;
  fallback?: { asked: string; reason: string };
}

/**
 * Writes a report as the run goes, in input order: a row is written as soon as it and every row before it have an
 * outcome, so only the rows still running (and those finished ahead of them) are held in memory. With
 * `viaTemporary` (the report is also the run's input) it goes to `<path>.partial`, renamed over `path` at the end.
 * If writing fails on the way (disk full, directory gone), what was written is copied to a file in the system's
 * temporary directory and the rest goes there; `finish` says where.
 */
export class ReportWriter {
  private fd: number;
  private writingTo: string;
  private failure: string | undefined;
  private readonly pending = new Map<number, Record<string, string> | undefined>();
  private readonly cells = new Map<number, Record<string, string>>();
  private next = 0;
  private written = 0;
  private readonly json: boolean;

  private constructor(
    private readonly path: string,
    private readonly columns: readonly string[],
    private readonly delimiter: string,
    private readonly viaTemporary: boolean,
  ) {
    this.json = isJsonPath(path);
    this.writingTo = viaTemporary ? `${path}.partial` : path;
    this.fd = openSync(this.writingTo, "w+");
    this.write(this.json ? "[" : stringify([columns], { delimiter }));
  }

  /** Opens the report for writing before anything is sent: a path that cannot be written is refused (exit 2). */
  static open(path: string, columns: readonly string[], delimiter: string, viaTemporary: boolean, operation: string): ReportWriter {
    try {
      return new ReportWriter(path, columns, delimiter, viaTemporary);
    } catch (error) {
      throw new InvalidInputError(operation, [`cannot write the report ${path}: ${(error as Error).message}`]);
    }
  }

  /** A row read from the input, in input order; its outcome comes later through `settle`. */
  add(index: number, cells: Record<string, string>): void {
    this.cells.set(index, cells);
    this.pending.set(index, undefined);
  }

  /** A row's outcome cells: written now if every row before it is. */
  settle(index: number, outcome: Record<string, string>): void {
    this.pending.set(index, outcome);
    for (let ready = this.pending.get(this.next); ready !== undefined; ready = this.pending.get(this.next)) {
      const row = { ...this.cells.get(this.next), ...ready };
      this.pending.delete(this.next);
      this.cells.delete(this.next);
      this.next += 1;
      this.writeRow(this.columns.map((column) => row[column] ?? ""));
    }
  }

  /** Ends the report (every row settled) and puts it in place; says where it is. */
  finish(): ReportPlace {
    this.write(this.json ? `${this.written > 0 ? "\n" : ""}]\n` : "");
    if (this.viaTemporary && this.failure === undefined) {
      try {
        renameSync(this.writingTo, this.path);
        this.writingTo = this.path;
      } catch (error) {
        this.moveToFallback(error);
      }
    }
    closeSync(this.fd);
    return this.failure === undefined
      ? { path: this.writingTo }
      : { path: this.writingTo, fallback: { asked: this.path, reason: this.failure } };
  }

  private writeRow(values: string[]): void {
    if (this.json) {
      const object = Object.fromEntries(this.columns.map((column, at) => [column, values[at]]));
      this.write(`${this.written > 0 ? "," : ""}\n  ${JSON.stringify(object)}`);
    } else this.write(stringify([values], { delimiter: this.delimiter }));
    this.written += 1;
  }

  private write(text: string): void {
    if (text === "") return;
    try {
      writeSync(this.fd, text);
    } catch (error) {
      if (this.failure !== undefined) throw error;
      this.moveToFallback(error);
      writeSync(this.fd, text);
    }
  }

  // Copies what the open file holds (readable through its descriptor even if its directory is gone) to a new file in
  // the temporary directory, and goes on there.
  private moveToFallback(error: unknown): void {
    this.failure = (error as Error).message;
    const fallback = join(tmpdir(), `partner-center-report-${process.pid}-${Date.now()}-${basename(this.path)}`);
    const target = openSync(fallback, "w+");
    const buffer = Buffer.alloc(1 << 16);
    for (let position = 0; ; ) {
      const read = readSync(this.fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      writeSync(target, buffer, 0, read);
      position += read;
    }
    closeSync(this.fd);
    this.fd = target;
    this.writingTo = fallback;
  }
}
