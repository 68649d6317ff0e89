/** The library's own code runs on any runtime with web APIs (fetch, crypto.randomUUID, AbortSignal): no `node:` modules. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";
import manifest from "../../package.json" with { type: "json" };

const IMPORT = /\b(?:import|export)\s*(?:type\s+)?(?:[^"'();]*?\bfrom\s*)?\(?\s*["']([^"']+)["']/g;

test("src/ imports only its own files, its dependencies and its optional peer, and no node: module", async () => {
  const allowed = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
  const files = (await readdir("src", { recursive: true })).filter((file) => file.endsWith(".ts"));
  expect(files.length).toBeGreaterThan(10);
  const outside: string[] = [];
  for (const file of files) {
    const text = await readFile(join("src", file), "utf8");
    for (const [, specifier] of text.matchAll(IMPORT)) {
      if (specifier!.startsWith(".")) continue;
      const name = specifier!.startsWith("@") ? specifier!.split("/").slice(0, 2).join("/") : specifier!.split("/")[0]!;
      if (!allowed.has(name)) outside.push(`${file}: ${specifier}`);
    }
  }
  expect(outside).toEqual([]);
});
