/**
 * Tables for the terminal: columns fitted to a width, cells wrapped between words only (a word longer than its
 * column overflows rather than being cut), numbers right-aligned. A table can be written a page at a time: the
 * widths are set by the header and the first rows, and kept for the rows after.
 */

/** The gap between two columns. */
const GAP = "  ";

/** A cell as shown: text on one line (numbers keep their type, to be right-aligned). */
export type Cell = string | number | undefined;

/** Column widths for a header and rows, fitted to `width` (Infinity: no limit). */
export interface TableLayout {
  widths: number[];
  numeric: boolean[];
}

export function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value.replace(/\s+/g, " ").trim();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const longestWord = (text: string) => Math.max(0, ...text.split(" ").map((word) => word.length));

/** Lays out columns: each as wide as its widest cell, then the widest ones narrowed (never below their longest word) until the table fits. */
export function layOut(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>, width: number): TableLayout {
  const texts = [header, ...rows.map((row) => row.map(cellText))];
  const widths = header.map((_, column) => Math.max(...texts.map((row) => (row[column] ?? "").length)));
  const minimum = header.map((_, column) => Math.max(...texts.map((row) => longestWord(row[column] ?? ""))));
  const numeric = header.map(
    (_, column) =>
      rows.some((row) => typeof row[column] === "number") &&
      rows.every((row) => row[column] === undefined || typeof row[column] === "number"),
  );
  const available = width - GAP.length * (header.length - 1);
  let excess = widths.reduce((sum, each) => sum + each, 0) - available;
  while (excess > 0) {
    let widest = -1;
    widths.forEach((each, column) => {
      if (each > (minimum[column] ?? 0) && (widest < 0 || each > (widths[widest] ?? 0))) widest = column;
    });
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    excess -= 1;
  }
  return { widths, numeric };
}

/** A cell's text in lines of at most `width` characters, broken between words. */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines;
}

/** The lines of one row under a layout. */
export function rowLines(row: readonly Cell[], { widths, numeric }: TableLayout): string[] {
  const cells = widths.map((width, column) => wrap(cellText(row[column]), width));
  const height = Math.max(...cells.map((lines) => lines.length));
  return Array.from({ length: height }, (_, index) =>
    cells
      .map((lines, column) => {
        const text = lines[index] ?? "";
        const width = widths[column] ?? 0;
        return numeric[column] ? text.padStart(width) : text.padEnd(width);
      })
      .join(GAP)
      .trimEnd(),
  );
}

/** The header and its rule under a layout (a numeric column's header is right-aligned like its numbers). */
export function headerLines(header: readonly string[], layout: TableLayout): string[] {
  return [...rowLines(header, layout), layout.widths.map((width) => "-".repeat(width)).join(GAP)];
}

/** A whole table, fitted to `width`. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>, width = Number.POSITIVE_INFINITY): string {
  const cells = rows.map((row) => row.map(asCell));
  const layout = layOut(header, cells, width);
  return [...headerLines(header, layout), ...cells.flatMap((row) => rowLines(row, layout))].join("\n");
}

/** A value as a cell: numbers stay numbers, everything else becomes text. */
export function asCell(value: unknown): Cell {
  if (typeof value === "number") return value;
  const text = cellText(value);
  return text === "" ? undefined : text;
}
