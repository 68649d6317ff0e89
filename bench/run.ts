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
import { type OverheadRatios, runOverhead } from "./overhead.js";
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

// The per-call target is met only if every row is within it by each of the three ratios: the most favourable one
// alone would hide a drift or a CPU cost the others show.
const worst = (pick: (ratios: OverheadRatios) => number) => Math.max(...overhead.ratios.map(pick));
const worstRatios = { paired: worst((r) => r.paired), ofMedians: worst((r) => r.ofMedians), cpu: worst((r) => r.cpu) };
const perCallMet = Object.values(worstRatios).every((ratio) => ratio <= 1.1);
const summary = [
  "## Targets",
  "",
  `- Per-call cost of our client ≤ 1.10× bare openapi-fetch by each of the paired median, the ratio of medians and CPU per call: ${perCallMet ? "met" : "**missed**"} (worst rows: paired ${worstRatios.paired.toFixed(2)}×, of medians ${worstRatios.ofMedians.toFixed(2)}×, CPU ${worstRatios.cpu.toFixed(2)}×; see part 1).`,
  `- Bulk ≥ 90 % of the server's limit, 0 duplicate writes, 0 lost items, peak RSS of the large run ≤ 1.5× the small one: ${bulk.verdict}.`,
  `- Bulk at a remote service's latency (100 ms, 400 ms, 1 s), one customer and 50 customers: ${latency.verdict}.`,
  "",
  `Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
].join("\n");
log(summary);

const file = fileURLToPath(new URL(quick ? "./results-quick.md" : "./results.md", import.meta.url));
await writeFile(file, `${[header, overhead.markdown, bulk.markdown, latency.markdown, cost.markdown, summary].join("\n\n")}\n`);
console.log(`\nWritten to ${file}`);
