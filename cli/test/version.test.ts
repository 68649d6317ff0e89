import { readFile } from "node:fs/promises";
import { expect, test } from "vitest";
import { CLI_VERSION } from "../src/version.js";

test("--version prints the version in the CLI's package.json", async () => {
  const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  expect(CLI_VERSION).toBe(manifest.version);
});
