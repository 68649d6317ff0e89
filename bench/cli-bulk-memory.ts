/**
 * Peak memory of `partner-center licenses bulk` (the built CLI, in a child process) over large input files, against
 * a loopback service answering at once (cli/test/write-once-server.ts, in this process). The CLI streams the
 * input, writes the report and its journal as it goes: the peak RSS should not grow with the number of rows.
 * Usage: tsx bench/cli-bulk-memory.ts [rows...] (default 10000 100000 1000000), RUNS=3 runs each.
 */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWriteOnceServer } from "../cli/test/write-once-server.js";
import { fmt, median, table } from "./lib.js";

const main = fileURLToPath(new URL("../cli/dist/src/main.js", import.meta.url));
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const runs = Number(process.env.RUNS ?? 3);
const customers = 200;

async function writeInput(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write("customerId,userId,action,skuId\n");
  for (let index = 0; index < rows; index++) {
    const customer = `00000000-0000-4000-8000-${String(index % customers).padStart(12, "0")}`;
    if (!out.write(`${customer},user${index}@contoso.com,assign,f8a1db68-be16-40ed-86d5-cb42ce701560\n`))
      await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

// Runs the CLI and samples its VmHWM (the kernel's peak resident set) until it exits.
function measure(args: readonly string[]): Promise<{ code: number | null; peakMiB: number; seconds: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [main, ...args], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { PATH: process.env.PATH ?? "" },
    });
    let peak = 0;
    const sample = async () => {
      const status = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "");
      const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kib);
    };
    const timer = setInterval(() => void sample(), 50);
    child.on("close", (code) => {
      clearInterval(timer);
      resolve({ code, peakMiB: peak / 1024, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const folder = await mkdtemp(join(tmpdir(), "partner-center-bulk-memory-"));
const server = await startWriteOnceServer();
const rows: Array<Array<string | number>> = [];
try {
  for (const size of sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000]) {
    const input = join(folder, `rows-${size}.csv`);
    await writeInput(input, size);
    const peaks: number[] = [];
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      server.applied.clear();
      const report = join(folder, `report-${size}-${run}.csv`);
      const result = await measure(["licenses", "bulk", input, "--report", report, "--yes", "--mock", "--mock-url", server.url]);
      if (result.code !== 0 || server.applied.size !== size)
        throw new Error(`run failed: exit ${result.code}, ${server.applied.size} applied`);
      peaks.push(result.peakMiB);
      times.push(result.seconds);
      await rm(report);
    }
    rows.push([
      size,
      fmt(Math.min(...peaks)),
      fmt(median(peaks)),
      fmt(Math.max(...peaks)),
      fmt(median(times), 1),
      fmt(size / median(times)),
    ]);
    console.log(table(["rows", "peak RSS MiB min", "median", "max", "seconds (median)", "rows/s"], rows));
  }
} finally {
  await server.close();
  await rm(folder, { recursive: true, force: true });
}
