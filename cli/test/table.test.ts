import { describe, expect, test } from "vitest";
import { formatTable, layOut, wrap } from "../src/table.js";

describe("tables", () => {
  test("wrap breaks between words only; a word longer than the width stays whole", () => {
    expect(wrap("Office 365 Enterprise E3", 10)).toEqual(["Office 365", "Enterprise", "E3"]);
    expect(wrap("QUANTITY", 3)).toEqual(["QUANTITY"]);
    expect(wrap("short", 10)).toEqual(["short"]);
  });

  test("the widest columns are narrowed until the table fits, never below their longest word", () => {
    const layout = layOut(["NAME", "NOTE"], [["Office 365 Enterprise E3", "a b c d e f g h i j k"]], 24);
    expect(layout.widths).toEqual([11, 11]);
    expect(layOut(["QUANTITY"], [[5]], 3).widths).toEqual([8]);
  });

  test("numbers are right-aligned under a right-aligned header; text is left-aligned", () => {
    expect(
      formatTable(
        ["NAME", "QUANTITY"],
        [
          ["E3", 5],
          ["Minecraft", 120],
        ],
      ).split("\n"),
    ).toEqual(["NAME       QUANTITY", "---------  --------", "E3                5", "Minecraft       120"]);
  });

  test("a fitted table wraps a long cell onto more lines, within the width", () => {
    const text = formatTable(["SKU", "NAME", "FREE"], [["ENTERPRISEPACK", "Office 365 Enterprise E3", 3]], 32);
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(32);
    expect(text.split("\n")).toEqual([
      "SKU             NAME        FREE",
      "--------------  ----------  ----",
      "ENTERPRISEPACK  Office 365     3",
      "                Enterprise",
      "                E3",
    ]);
  });
});
