import type { CliIo } from "./io.js";
import { cellText } from "./table.js";

export { formatTable } from "./table.js";

/** Writes a command's answer: the value as JSON with `--json`, else the human form. */
export function printResult(io: CliIo, json: boolean | undefined, value: unknown, human: () => string): void {
  io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Lays out `name: value` pairs, skipping empty values. */
export function formatFields(fields: ReadonlyArray<readonly [string, unknown]>): string {
  const shown = fields.filter(([, value]) => value !== undefined && value !== null && value !== "");
  const width = Math.max(0, ...shown.map(([name]) => name.length));
  return shown.map(([name, value]) => `${`${name}:`.padEnd(width + 1)} ${cellText(value)}`).join("\n");
}

/** "1 row", "2 rows": the count and the noun, plural when the count is not one. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
