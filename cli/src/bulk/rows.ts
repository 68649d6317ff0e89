import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { InvalidInputError } from "partner-center-client/errors";

/** One data row of an input file: its place (0-based among data rows), the file line it ends on, its cells by column. */
export interface InputRow {
  index: number;
  /** The line of the file the row ends on (1-based); undefined for JSON input. */
  line: number | undefined;
  cells: Record<string, string>;
}

/** An input file opened for streaming: its columns (known once the header is read) and its rows, read as they are needed. */
export interface RowSource {
  columns: string[];
  /** The field separator found in a CSV header ("," or ";"). */
  delimiter: string;
  rows: AsyncIterable<InputRow>;
}

/** `-` names standard input. */
export const STDIN = "-";

/** True when a path names a JSON file (by extension); anything else, standard input included, is CSV. */
export const isJsonPath = (path: string): boolean => path !== STDIN && extname(path).toLowerCase() === ".json";

/**
 * Opens a CSV (header line first; `,` or, as European Excel writes it, `;` between fields) or a JSON array of
 * objects, `-` for standard input (CSV). CSV is streamed: rows are parsed as they are asked for, so a file of any
 * length is read in flat memory. A JSON file is read whole. Column names matching one of `known` in any case are
 * spelt as in `known`. Problems name `operation` and the file.
 */
export async function openRows(
  path: string,
  known: readonly string[],
  operation: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<RowSource> {
  const canonical = new Map(known.map((name) => [name.toLowerCase(), name]));
  const name = (column: string) => canonical.get(column.trim().toLowerCase()) ?? column.trim();
  const refuse = (problems: string[]) =>
    new InvalidInputError(
      operation,
      problems.map((problem) => `${path === STDIN ? "standard input" : path}: ${problem}`),
    );
  try {
    if (isJsonPath(path)) return fromJson(JSON.parse(await readFile(path, "utf8")), name);
    const input = path === STDIN ? stdin : createReadStream(path);
    return await fromCsv(input, name, refuse);
  } catch (error) {
    throw refuse(error instanceof InvalidInputError ? [...error.problems] : [(error as Error).message]);
  }
}

async function fromCsv(
  input: NodeJS.ReadableStream,
  name: (column: string) => string,
  refuse: (problems: string[]) => InvalidInputError,
): Promise<RowSource> {
  const { head, rest } = await readHeaderLine(input);
  const delimiter = sniffDelimiter(head);
  const parser = Readable.from(rest).pipe(parse({ bom: true, trim: true, skip_empty_lines: true, info: true, delimiter }));
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;
  const first = await records.next();
  const columns = first.done ? [] : first.value.record.map(name);
  const twice = columns.filter((column, index) => columns.indexOf(column) !== index);
  if (twice.length > 0)
    throw new InvalidInputError(
      "reading the CSV header",
      twice.map((column) => `column ${column} appears more than once`),
    );
  // Errors met later, while rows are read, already name the file.
  async function* rows(): AsyncGenerator<InputRow> {
    let index = 0;
    try {
      while (true) {
        const next = await records.next();
        if (next.done) return;
        const { record, info } = next.value;
        yield { index: index++, line: info.lines, cells: Object.fromEntries(columns.map((column, at) => [column, record[at] ?? ""])) };
      }
    } catch (error) {
      throw refuse([(error as Error).message]);
    } finally {
      parser.destroy();
    }
  }
  return { columns, delimiter, rows: rows() };
}

// Reads until the first line break (or the end), so the separator can be chosen before parsing; hands back every byte.
async function readHeaderLine(input: NodeJS.ReadableStream): Promise<{ head: string; rest: AsyncIterable<Buffer> }> {
  const iterator = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  while (true) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    if (chunk.includes(10) || chunks.reduce((sum, part) => sum + part.length, 0) > 1 << 20) break;
  }
  const head = Buffer.concat(chunks).toString("utf8").split(/\r?\n/, 1)[0] ?? "";
  async function* rest(): AsyncGenerator<Buffer> {
    yield* chunks;
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    }
  }
  return { head, rest: rest() };
}

/** The field separator of a header line: `;` when it separates the fields and no `,` does (outside quotes), else `,`. */
export function sniffDelimiter(header: string): string {
  const outside = header.replace(/"[^"]*"/g, "");
  return outside.includes(";") && !outside.includes(",") ? ";" : ",";
}

function fromJson(data: unknown, name: (column: string) => string): RowSource {
  if (!Array.isArray(data) || !data.every((row) => typeof row === "object" && row !== null && !Array.isArray(row))) {
    throw new InvalidInputError("reading the JSON file", ["it must hold an array of objects, one per row"]);
  }
  const columns: string[] = [];
  const cells = data.map((row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => {
        const column = name(key);
        if (!columns.includes(column)) columns.push(column);
        return [column, value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value)];
      }),
    ),
  );
  async function* rows(): AsyncGenerator<InputRow> {
    for (const [index, row] of cells.entries()) yield { index, line: undefined, cells: row };
  }
  return { columns, delimiter: ",", rows: rows() };
}

/** Counts a file's data rows (a quick pass before the run, for the progress bar and the prompt); undefined for standard input. */
export async function countRows(path: string, operation: string): Promise<number | undefined> {
  if (path === STDIN) return undefined;
  const source = await openRows(path, [], operation);
  let count = 0;
  for await (const _ of source.rows) count += 1;
  return count;
}
