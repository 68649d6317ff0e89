/**
 * The packages as users get them: `npm pack` the library and the CLI, install the library alone into one empty
 * project and both into another (dependencies from the registry, reusing the local npm cache), then import the
 * library and run the CLI from there.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ids } from "../helpers.js";

const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const { customerId } = ids;

let workDir = "";
/** An empty project with only the library installed, and one with the CLI (which brings the library) installed. */
let libraryProject = "";
let cliProject = "";
let libraryFiles: string[] = [];
let cliFiles: string[] = [];

beforeAll(async () => {
  await buildIfStale();
  workDir = await mkdtemp(join(tmpdir(), "pcc-pack-"));
  const library = await pack(".");
  const cli = await pack("cli");
  libraryFiles = library.files;
  cliFiles = cli.files;
  libraryProject = await installInto("library", [library.tarball]);
  cliProject = await installInto("cli", [library.tarball, cli.tarball]);
}, 300_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function pack(dir: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", workDir], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(workDir, info.filename), files: info.files.map((file) => file.path) };
}

async function installInto(name: string, tarballs: string[]): Promise<string> {
  const project = join(workDir, name);
  await mkdir(project);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: `pack-smoke-${name}`, private: true, type: "module" }));
  await run(npm, ["install", ...tarballs, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd: project,
    timeout: 150_000,
  });
  return project;
}

const TOOLING = /^(test|scripts|bench|examples|docs|coverage|node_modules|cli)\//;

test("the library's tarball holds the build, the spec, README and LICENSE, and no CLI, tests or tooling", () => {
  for (const file of ["package.json", "README.md", "LICENSE", "openapi/partner-center.yaml", "dist/src/index.js", "dist/src/index.d.ts"]) {
    expect(libraryFiles).toContain(file);
  }
  expect(libraryFiles.filter((file) => TOOLING.test(file) || file.endsWith(".test.ts") || /(^|\/)cli\//.test(file))).toEqual([]);
});

test("the CLI's tarball holds its executable, README and LICENSE, and no tests", () => {
  for (const file of ["package.json", "README.md", "LICENSE", "dist/src/main.js", "dist/src/mock-server.js"]) {
    expect(cliFiles).toContain(file);
  }
  expect(cliFiles.filter((file) => TOOLING.test(file) || file.endsWith(".test.ts"))).toEqual([]);
});

test("installing the library brings none of the CLI's packages, and no msal (an optional peer)", async () => {
  const installed = await readdir(join(libraryProject, "node_modules"));
  expect(installed).toContain("partner-center-client");
  for (const name of ["partner-center-cli", "@stoplight", "commander", "csv-parse", "csv-stringify", "cli-progress"]) {
    expect(installed).not.toContain(name);
  }
  expect(await msalCopies(libraryProject)).toEqual([]);
});

test("installing the CLI brings one msal-node, shared by @azure/identity and the library's RefreshTokenCredential", async () => {
  expect(await msalCopies(cliProject)).toEqual(["node_modules/@azure/msal-node"]);
});

/** Every installed copy of @azure/msal-node, by its folder under the project. */
async function msalCopies(project: string): Promise<string[]> {
  const entries = await readdir(join(project, "node_modules"), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && entry.name === "msal-node" && entry.parentPath.endsWith("@azure"))
    .map((entry) => relative(project, join(entry.parentPath, entry.name)));
}

test("without msal-node, the library's RefreshTokenCredential names the package to install", async () => {
  const script = `
    const { RefreshTokenCredential } = await import("partner-center-client");
    const credential = new RefreshTokenCredential({ tenantId: "contoso.onmicrosoft.com", clientId: "c", clientSecret: "s", refreshToken: "r" });
    const error = await credential.getToken("https://api.partnercenter.microsoft.com/user_impersonation").catch((caught) => caught);
    console.log(JSON.stringify({ name: error.name, message: error.message }));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: libraryProject });
  const { name, message } = JSON.parse(stdout) as { name: string; message: string };
  expect(name).toBe("AuthenticationError");
  expect(message).toContain("needs the package @azure/msal-node@^5");
});

test("the installed library imports, creates a client and throws its typed errors", async () => {
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
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: libraryProject });
  expect(JSON.parse(stdout)).toEqual({
    exports: [],
    name: "InvalidInputError",
    invalidInput: true,
    partnerCenterError: true,
    problems: ["customerId must be a GUID"],
  });
});

test("node_modules/.bin/partner-center --help exits 0", async () => {
  const { stdout } = await run(join(cliProject, "node_modules", ".bin", "partner-center"), ["--help"], { cwd: cliProject });
  expect(stdout).toMatch(/^Usage: partner-center /);
  expect(stdout).toMatch(/^\s+skus\b/m);
});

test("the installed CLI answers from its embedded mock with JSON", async () => {
  const { stdout } = await run(
    join(cliProject, "node_modules", ".bin", "partner-center"),
    ["skus", "list", customerId, "--mock", "--json"],
    {
      cwd: cliProject,
      timeout: 60_000,
    },
  );
  const skus = JSON.parse(stdout) as { productSku?: { skuPartNumber?: string } }[];
  expect(skus.map((sku) => sku.productSku?.skuPartNumber)).toEqual(["ENTERPRISEPACK", "MEE_STUDENT"]);
}, 60_000);

// `npm test` builds first (pretest); a direct `vitest run test/package` builds only when dist/ is missing or
// older than a source file, so the tarball never holds a stale build.
async function buildIfStale(): Promise<void> {
  const builds = await Promise.all(
    ["dist/src/index.js", "cli/dist/src/main.js"].map((file) =>
      stat(file).then(
        (info) => info.mtimeMs,
        () => 0,
      ),
    ),
  );
  const built = Math.min(...builds);
  const sources = await Promise.all(["src", "generated", "cli/src"].map((dir) => newestFile(dir)));
  if (built < Math.max(...sources)) await run(npm, ["run", "build"], { timeout: 120_000 });
}

async function newestFile(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const times = await Promise.all(
    entries.filter((entry) => entry.isFile()).map((entry) => stat(join(entry.parentPath, entry.name)).then((info) => info.mtimeMs)),
  );
  return Math.max(0, ...times);
}
