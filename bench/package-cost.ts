/**
 * Part 3, package cost: what the library adds to an application. esbuild bundles src/index.ts minified, once
 * with every package left external (our own code) and once with openapi-fetch and zod inside (what a user
 * downloads beyond the Azure packages, which an Azure application has already). Cold import time is measured in
 * fresh node processes importing each bundle, the way an application's first `import` pays for it.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { fmt, median, quick, table } from "./lib.js";

const root = fileURLToPath(new URL("..", import.meta.url));
// Inside node_modules, so that the bundles' external imports resolve to this project's packages.
const outDir = fileURLToPath(new URL("../node_modules/.cache/partner-center-bench/", import.meta.url));
const importRuns = quick ? 5 : 15;

async function bundle(external: { packages: "external" } | { external: string[] }): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [`${root}src/index.ts`],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "silent",
    ...external,
  });
  return result.outputFiles[0]!.contents;
}

/** ms from `import()` to its settling, in a fresh node process each time. */
async function coldImportMs(file: string): Promise<number[]> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const times: number[] = [];
  for (let run = 0; run < importRuns; run += 1) {
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
    times.push(Number(stdout.trim()));
  }
  return times;
}

/** Runs part 3 and returns its markdown section. */
export async function runPackageCost(): Promise<{ markdown: string }> {
  await mkdir(outDir, { recursive: true });
  const own = await bundle({ packages: "external" });
  const withDeps = await bundle({ external: ["@azure/*"] });
  const files = { own: `${outDir}own.mjs`, withDeps: `${outDir}with-deps.mjs` };
  await writeFile(files.own, own);
  await writeFile(files.withDeps, withDeps);
  const kb = (bytes: number) => fmt(bytes / 1024, 1);
  const rows = [
    ["src/index.ts, every package external", kb(own.byteLength), kb(gzipSync(own, { level: 9 }).byteLength)],
    ["src/index.ts + openapi-fetch + zod (@azure/* external)", kb(withDeps.byteLength), kb(gzipSync(withDeps, { level: 9 }).byteLength)],
  ];
  const importRows = [
    ["bundle with openapi-fetch and zod (@azure/msal-node from node_modules)", await coldImportMs(files.withDeps)],
    ["bundle with every package external (from node_modules)", await coldImportMs(files.own)],
  ].map(([what, times]) => [what as string, fmt(median(times as number[]), 1), fmt(Math.min(...(times as number[])), 1)]);
  const markdown = [
    "## 3. Package cost",
    "",
    "esbuild (bundle, minify, ESM, node20) of src/index.ts; gzip level 9.",
    "",
    table(["bundle", "minified KB", "gzipped KB"], rows),
    "",
    `Cold import: \`await import()\` of the bundle in a fresh \`node\` process, ${importRuns} runs.`,
    "",
    table(["what is imported", "median ms", "min ms"], importRows),
  ].join("\n");
  return { markdown };
}
