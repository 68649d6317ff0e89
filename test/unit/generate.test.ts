import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const run = promisify(execFile);
const tsx = join("node_modules", ".bin", "tsx");
let dir: string;

function generate(...args: string[]) {
  return run(tsx, ["scripts/generate.ts", "--spec", join(dir, "spec.yaml"), "--out", join(dir, "types.ts"), ...args]);
}

describe("scripts/generate.ts", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pc-generate-"));
    await copyFile("openapi/partner-center.yaml", join(dir, "spec.yaml"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test("the committed generated/ matches a fresh generation from the committed spec", async () => {
    await expect(run(tsx, ["scripts/generate.ts", "--check"])).resolves.toBeDefined();
  }, 30_000);

  test("--check fails once the spec changes without regenerating, and passes after regenerating", async () => {
    await generate();
    await expect(generate("--check")).resolves.toBeDefined();

    const spec = await readFile(join(dir, "spec.yaml"), "utf8");
    await writeFile(
      join(dir, "spec.yaml"),
      spec.replace("        friendlyName:\n", "        nickname:\n          type: string\n        friendlyName:\n"),
    );
    const failure = await generate("--check").catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining("out of date") });

    await generate();
    await expect(generate("--check")).resolves.toBeDefined();
    expect(await readFile(join(dir, "types.ts"), "utf8")).toContain("nickname?: string");
  }, 30_000);
});
