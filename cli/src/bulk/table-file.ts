import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { InvalidInputError } from "partner-center-client/errors";
import { writeFileAtomic } from "../files.js";

/** The rows of a CSV or JSON file as text cells by column name, with the columns in file order. */
export interface Table {
  columns: string[];
  rows: Array<Record<string, string>>;
}

/** True when a path names a JSON file (by extension); anything else is CSV. */
const isJsonPath = (path: string): boolean => extname(path).toLowerCase() === ".json";

/**
 * Reads a CSV (header line first) or a JSON array of objects. Column names matching one of `known` in any
 * case are spelt as in `known`, so "CustomerId" and "customerid" both work. Problems name `operation`.
 */
export async function readTable(path: string, known: readonly string[], operation = "reading"): Promise<Table> {
  const canonical = new Map(known.map((name) => [name.toLowerCase(), name]));
  const name = (column: string) => canonical.get(column.trim().toLowerCase()) ?? column.trim();
  try {
    const text = await readFile(path, "utf8");
    return isJsonPath(path) ? fromJson(JSON.parse(text), name) : fromCsv(text, name);
  } catch (error) {
    const problems = error instanceof InvalidInputError ? error.problems : [(error as Error).message];
    throw new InvalidInputError(
      operation,
      problems.map((problem) => `${path}: ${problem}`),
    );
  }
}

function fromCsv(text: string, name: (column: string) => string): Table {
  const records = parse(text, { bom: true, trim: true, skip_empty_lines: true }) as string[][];
  const [header = [], ...body] = records;
  const columns = header.map(name);
  const twice = columns.filter((column, index) => columns.indexOf(column) !== index);
  if (twice.length > 0)
    throw new InvalidInputError(
      "reading the CSV header",
      twice.map((column) => `column ${column} appears more than once`),
    );
  const rows = body.map((record) => Object.fromEntries(columns.map((column, index) => [column, record[index] ?? ""])));
  return { columns, rows };
}

function fromJson(data: unknown, name: (column: string) => string): Table {
  if (!Array.isArray(data) || !data.every((row) => typeof row === "object" && row !== null && !Array.isArray(row))) {
    throw new InvalidInputError("reading the JSON file", ["it must hold an array of objects, one per row"]);
  }
  const columns: string[] = [];
  const rows = data.map((row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => {
        const column = name(key);
        if (!columns.includes(column)) columns.push(column);
        return [column, value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value)];
      }),
    ),
  );
  return { columns, rows };
}

/** Writes a table as CSV or JSON (by extension), through a temporary file so a crash never leaves half a report. */
export async function writeTable(path: string, table: Table): Promise<void> {
  const text = isJsonPath(path)
    ? `${JSON.stringify(
        table.rows.map((row) => Object.fromEntries(table.columns.map((column) => [column, row[column] ?? ""]))),
        null,
        2,
      )}\n`
    : stringify(table.rows, { header: true, columns: table.columns });
  await writeFileAtomic(path, text);
}
