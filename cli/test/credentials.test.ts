import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DefaultAzureCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RefreshTokenCredential } from "../../src/auth.js";
import { InvalidInputError } from "../../src/errors.js";
import { credentialFromEnv, saveToken } from "../src/credentials.js";

// Which credential the CLI builds from the environment; nothing here asks for a token.
const appUser = {
  PARTNER_CENTER_REFRESH_TOKEN: "refresh-from-env",
  PARTNER_CENTER_CLIENT_ID: "client",
  PARTNER_CENTER_CLIENT_SECRET: "secret",
  PARTNER_CENTER_TENANT_ID: "contoso.onmicrosoft.com",
};
let folder = "";
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "partner-center-cli-credentials-"));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe("credentialFromEnv", () => {
  test("uses DefaultAzureCredential when no PARTNER_CENTER_* setting is there", async () => {
    expect(await credentialFromEnv({})).toBeInstanceOf(DefaultAzureCredential);
  });

  test("uses RefreshTokenCredential with all four settings, honouring the authority host", async () => {
    const credential = await credentialFromEnv({ ...appUser, PARTNER_CENTER_AUTHORITY_HOST: "https://login.chinacloudapi.cn" });
    expect(credential).toBeInstanceOf(RefreshTokenCredential);
    expect(JSON.stringify(credential)).toBe(
      JSON.stringify({ tenantId: "contoso.onmicrosoft.com", clientId: "client", authorityHost: "https://login.chinacloudapi.cn" }),
    );
  });

  test("names every missing setting when only some are there", async () => {
    const error = await credentialFromEnv({ PARTNER_CENTER_CLIENT_ID: "client" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems).toEqual([
      "PARTNER_CENTER_REFRESH_TOKEN is not set",
      "PARTNER_CENTER_CLIENT_SECRET is not set",
      "PARTNER_CENTER_TENANT_ID is not set",
    ]);
  });

  test("a refresh token saved in the file stands in for the variable", async () => {
    const file = join(folder, "saved-token");
    await writeFile(file, "refresh-from-file\n");
    const { PARTNER_CENTER_REFRESH_TOKEN: _fromEnv, ...rest } = appUser;
    expect(await credentialFromEnv({ ...rest, PARTNER_CENTER_REFRESH_TOKEN_FILE: file })).toBeInstanceOf(RefreshTokenCredential);
  });

  test("a token file that does not exist yet falls back to the variable", async () => {
    expect(await credentialFromEnv({ ...appUser, PARTNER_CENTER_REFRESH_TOKEN_FILE: join(folder, "not-yet") })).toBeInstanceOf(
      RefreshTokenCredential,
    );
  });
});

describe("saveToken", () => {
  test("writes the rotated token to a file only its owner can read", async () => {
    const file = join(folder, "rotated");
    await saveToken(file, "first");
    await saveToken(file, "second");
    expect(await readFile(file, "utf8")).toBe("second\n");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
