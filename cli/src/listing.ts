import { Option } from "commander";
import { stringify } from "csv-stringify/sync";
import type { CliIo } from "./io.js";
import { asCell, type Cell, headerLines, layOut, rowLines, type TableLayout } from "./table.js";

/** One column of a list: its CSV name (what the bulk commands read), its table heading, and its value. */
export interface ListColumn<Item> {
  csv: string;
  /** Omitted: the column is in the CSV and JSON only. */
  heading?: string;
  value(item: Item): unknown;
}

/** How a list is printed: a table for people, `--json` or `--csv` for programs. */
export type ListFormat = "table" | "json" | "csv";

/** The `--csv` option of the list commands. */
export const csvOption = () =>
  new Option("--csv", "print CSV (a header line, then one line per item), ready for the bulk commands").conflicts("json");

/** The `--page-size` option of the paged lists. */
export const pageSizeOption = (max: string) =>
  new Option("--page-size <n>", `items per page the service sends (default the service's own; pages of ${max} seen)`);

/**
 * Prints a list as its pages arrive: a table (laid out by the first page, fitted to `width`), a JSON array, or CSV.
 * Resolves with the number of items printed.
 */
export async function printPages<Item>(
  io: CliIo,
  format: ListFormat,
  width: number,
  columns: ReadonlyArray<ListColumn<Item>>,
  pages: AsyncIterable<readonly Item[]>,
  empty: string,
): Promise<number> {
  const shown = format === "table" ? columns.filter((column) => column.heading !== undefined) : columns;
  const writer = format === "json" ? jsonWriter(io) : format === "csv" ? csvWriter(io, shown) : tableWriter(io, shown, width);
  let count = 0;
  try {
    for await (const page of pages) {
      if (page.length === 0) continue;
      writer.page(page, shown);
      count += page.length;
    }
  } finally {
    writer.end(count, empty);
  }
  return count;
}

interface Writer<Item> {
  page(items: readonly Item[], columns: ReadonlyArray<ListColumn<Item>>): void;
  end(count: number, empty: string): void;
}

// An array opened at once and closed at the end (also when the list fails part-way: the JSON stays whole).
function jsonWriter<Item>(io: CliIo): Writer<Item> {
  let first = true;
  io.stdout.write("[");
  return {
    page(items) {
      for (const item of items) {
        io.stdout.write(`${first ? "\n" : ",\n"}${JSON.stringify(item)}`);
        first = false;
      }
    },
    end: () => io.stdout.write(first ? "]\n" : "\n]\n"),
  };
}

// The header at once, even for an empty list: a file of the right columns with no rows is still input to a bulk run.
function csvWriter<Item>(io: CliIo, columns: ReadonlyArray<ListColumn<Item>>): Writer<Item> {
  io.stdout.write(stringify([columns.map((column) => column.csv)]));
  return {
    page(items) {
      io.stdout.write(stringify(items.map((item) => columns.map((column) => csvCell(column.value(item))))));
    },
    end: () => {},
  };
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function tableWriter<Item>(io: CliIo, columns: ReadonlyArray<ListColumn<Item>>, width: number): Writer<Item> {
  let layout: TableLayout | undefined;
  const header = columns.map((column) => column.heading ?? column.csv);
  return {
    page(items) {
      const rows: Cell[][] = items.map((item) => columns.map((column) => asCell(column.value(item))));
      const lines: string[] = [];
      if (!layout) {
        layout = layOut(header, rows, width);
        lines.push(...headerLines(header, layout));
      }
      const fixed = layout;
      lines.push(...rows.flatMap((row) => rowLines(row, fixed)));
      io.stdout.write(`${lines.join("\n")}\n`);
    },
    end: (count, empty) => {
      if (count === 0) io.stdout.write(`${empty}\n`);
    },
  };
}

/** The format the options ask for. */
export function listFormat(options: { json?: boolean; csv?: boolean }): ListFormat {
  return options.csv ? "csv" : options.json ? "json" : "table";
}
