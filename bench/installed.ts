/**
 * What users install: `npm pack` the library and the CLI, install the library alone into one empty project and the
 * CLI (with the library) into another, outside the repository, then count packages and megabytes and time whole
 * processes against bare `node -e 0`: a cold import of the library, and `partner-center --help`. The runs take
 * turns (bare, import, help, bare, ...) so that a drift in the machine's speed touches all three alike.
 * `npm run bench:installed [-- --runs 20]`; figures go to stdout.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { median } from "./lib.js";

const run = promisify(execFile);
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

async function pack(dir: string, into: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", into], { cwd: dir, maxBuffer: 16 << 20 });
  return join(into, (JSON.parse(stdout) as [{ filename: string }])[0].filename);
}

async function install(into: string, name: string, tarballs: string[]): Promise<string> {
  const project = join(into, name);
  await mkdir(project);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: `installed-${name}`, private: true, type: "module" }));
  await run("npm", ["install", ...tarballs, "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd: project,
  });
  return project;
}

/** Packages installed (every folder of node_modules with a package.json of its own, nested ones too) and megabytes on disk. */
async function footprint(project: string): Promise<{ packages: number; mb: number }> {
  const entries = await readdir(join(project, "node_modules"), { recursive: true, withFileTypes: true });
  let bytes = 0;
  let packages = 0;
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) bytes += (await stat(path)).size;
    if (entry.isFile() && entry.name === "package.json" && /node_modules\/(@[^/]+\/)?[^/@]+$/.test(entry.parentPath)) packages += 1;
  }
  return { packages, mb: bytes / 1e6 };
}

function wallMs(args: string[], cwd: string): number {
  const start = performance.now();
  execFileSync(process.execPath, args, { cwd, stdio: "ignore" });
  return performance.now() - start;
}

const work = await mkdtemp(join(tmpdir(), "pcc-installed-"));
try {
  execFileSync("npm", ["run", "build"], { stdio: "ignore" });
  const library = await pack(".", work);
  const cli = await pack("cli", work);
  const libraryProject = await install(work, "library", [library]);
  const cliProject = await install(work, "cli", [library, cli]);
  const bin = join(cliProject, "node_modules", "partner-center-cli", "dist", "src", "main.js");
  const times = { bare: [] as number[], import: [] as number[], help: [] as number[] };
  for (let i = 0; i <= runs; i += 1) {
    const bare = wallMs(["-e", "0"], libraryProject);
    const imported = wallMs(["--input-type=module", "-e", 'await import("partner-center-client")'], libraryProject);
    const help = wallMs([bin, "--help"], cliProject);
    if (i === 0) continue; // warm-up: the file system cache
    times.bare.push(bare);
    times.import.push(imported);
    times.help.push(help);
  }
  const over = (list: number[]) => list.map((ms, i) => ms - times.bare[i]!);
  const fmt = (list: number[]) => `min ${Math.min(...list).toFixed(0)} ms, median ${median(list).toFixed(0)} ms`;
  for (const [name, project] of [
    ["library", libraryProject],
    ["CLI (with the library)", cliProject],
  ] as const) {
    const { packages, mb } = await footprint(project);
    console.log(`${name}: ${packages} packages, ${mb.toFixed(1)} MB`);
  }
  console.log(`bare node -e 0: ${fmt(times.bare)}`);
  console.log(`cold import of partner-center-client, over bare node: ${fmt(over(times.import))}`);
  console.log(`partner-center --help, over bare node: ${fmt(over(times.help))}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
