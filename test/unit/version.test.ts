import { readFile } from "node:fs/promises";
import { expect, test } from "vitest";
import { CLIENT_NAME, CLIENT_VERSION } from "../../src/version.js";

test("the client header names the package and version in package.json", async () => {
  const manifest = JSON.parse(await readFile("package.json", "utf8")) as { name: string; version: string };
  expect(`${CLIENT_NAME}/${CLIENT_VERSION}`).toBe(`${manifest.name}/${manifest.version}`);
});
