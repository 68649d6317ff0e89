/**
 * `npm run bench` (`-- --quick` for a smaller run in a few minutes): per-call overhead, bulk runs (with and without latency) and package cost, printed
 * and written to bench/results.md (a quick run to bench/results-quick.md, so it never replaces the full figures).
 * The figures are only meaningful from one quiet machine; nothing here is a pass/fail test.
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { runBulkBench } from "./bulk.js";
import { runLatencyBench } from "./bulk-latency.js";
import { machine, quick } from "./lib.js";
import { runOverhead } from "./overhead.js";
import { runPackageCost } from "./package-cost.js";

const started = performance.now();
const log = (text: string) => console.log(`\n${text}`);

const header = [
  `# Benchmarks${quick ? " (quick run)" : ""}`,
  "",
  `${machine()}. \`npm run bench${quick ? " -- --quick" : ""}\`, everything on loopback.`,
].join("\n");
log(header);
const overhead = await runOverhead();
log(overhead.markdown);
const bulk = await runBulkBench();
log(bulk.markdown);
const latency = await runLatencyBench();
log(latency.markdown);
const cost = await runPackageCost();
log(cost.markdown);

const worstRatio = Math.max(...overhead.ratios);
const summary = [
  "## Targets",
  "",
  `- Per-call time of our client ≤ 1.10× bare openapi-fetch (median): ${worstRatio <= 1.1 ? "met" : "**missed**"} (worst case ${worstRatio.toFixed(2)}×; see part 1).`,
  `- Bulk ≥ 90 % of the server's limit, 0 duplicate writes, 0 lost items, peak RSS of the large run ≤ 1.5× the small one: ${bulk.verdict}.`,
  `- Bulk at a remote service's latency (100 ms, 400 ms, 1 s), one customer and 50 customers: ${latency.verdict}.`,
  "",
  `Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
].join("\n");
log(summary);

const file = fileURLToPath(new URL(quick ? "./results-quick.md" : "./results.md", import.meta.url));
await writeFile(file, `${[header, overhead.markdown, bulk.markdown, latency.markdown, cost.markdown, summary].join("\n\n")}\n`);
console.log(`\nWritten to ${file}`);
