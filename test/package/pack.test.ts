/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty project (dependencies from
 * the registry, reusing the local npm cache), then import it and run its CLI from there.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ids } from "../helpers.js";

const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const { customerId } = ids;

let workDir = "";
let project = "";
let packed: string[] = [];

beforeAll(async () => {
  await buildIfStale();
  workDir = await mkdtemp(join(tmpdir(), "pcc-pack-"));
  const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", workDir], { maxBuffer: 16 * 1024 * 1024 });
  const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packed = info.files.map((file) => file.path);
  project = join(workDir, "project");
  await mkdir(project);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "pack-smoke-test", private: true, type: "module" }));
  await run(npm, ["install", join(workDir, info.filename), "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd: project,
    timeout: 150_000,
  });
}, 180_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

test("the tarball holds the build, the spec, README and LICENSE, and no tests or tooling", () => {
  for (const file of [
    "package.json",
    "README.md",
    "LICENSE",
    "openapi/partner-center.yaml",
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "dist/src/cli/main.js",
  ]) {
    expect(packed).toContain(file);
  }
  expect(
    packed.filter((file) => /^(test|scripts|bench|examples|docs|coverage|node_modules)\//.test(file) || file.endsWith(".test.ts")),
  ).toEqual([]);
});

test("the installed package imports, creates a client and throws its typed errors", async () => {
  const script = `
    const pc = await import("partner-center-client");
    const client = pc.createPartnerCenterClient({ credential: { getToken: async () => null } });
    const error = await client.licenses.listSubscribedSkus("not-a-guid").catch((caught) => caught);
    console.log(JSON.stringify({
      exports: ["createPartnerCenterClient", "RefreshTokenCredential", "PartnerCenterError", "ServiceError", "LicenseQuotaExceededError", "StaleEtagError", "InvalidInputError"].filter((name) => typeof pc[name] !== "function"),
      name: error.name,
      invalidInput: error instanceof pc.InvalidInputError,
      partnerCenterError: error instanceof pc.PartnerCenterError && pc.isPartnerCenterError(error),
      problems: error.problems,
    }));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: project });
  expect(JSON.parse(stdout)).toEqual({
    exports: [],
    name: "InvalidInputError",
    invalidInput: true,
    partnerCenterError: true,
    problems: ["customerId must be a GUID"],
  });
});

test("node_modules/.bin/partner-center --help exits 0", async () => {
  const { stdout } = await run(join(project, "node_modules", ".bin", "partner-center"), ["--help"], { cwd: project });
  expect(stdout).toMatch(/^Usage: partner-center /);
  expect(stdout).toMatch(/^\s+skus\b/m);
});

test("the installed CLI answers from its embedded mock with JSON", async () => {
  const { stdout } = await run(join(project, "node_modules", ".bin", "partner-center"), ["skus", "list", customerId, "--mock", "--json"], {
    cwd: project,
    timeout: 60_000,
  });
  const skus = JSON.parse(stdout) as { productSku?: { skuPartNumber?: string } }[];
  expect(skus.map((sku) => sku.productSku?.skuPartNumber)).toEqual(["ENTERPRISEPACK", "MEE_STUDENT"]);
}, 60_000);

// `npm test` builds first (pretest); a direct `vitest run test/package` builds only when dist/ is missing or
// older than a source file, so the tarball never holds a stale build.
async function buildIfStale(): Promise<void> {
  const built = await stat("dist/src/index.js").then(
    (info) => info.mtimeMs,
    () => 0,
  );
  const sources = await Promise.all(["src", "generated"].map((dir) => newestFile(dir)));
  if (built < Math.max(...sources)) await run(npm, ["run", "build"], { timeout: 120_000 });
}

async function newestFile(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const times = await Promise.all(
    entries.filter((entry) => entry.isFile()).map((entry) => stat(join(entry.parentPath, entry.name)).then((info) => info.mtimeMs)),
  );
  return Math.max(0, ...times);
}
