import { readFile } from "node:fs/promises";
import type { TokenCredential } from "@azure/core-auth";
import { RefreshTokenCredential } from "partner-center-client";
import { InvalidInputError } from "partner-center-client/errors";
import { writeFileAtomic } from "./files.js";

/** The environment variables of the App+User (secure application model) settings. */
const REFRESH_TOKEN_VARIABLES = [
  "PARTNER_CENTER_REFRESH_TOKEN",
  "PARTNER_CENTER_CLIENT_ID",
  "PARTNER_CENTER_CLIENT_SECRET",
  "PARTNER_CENTER_TENANT_ID",
] as const;

/** Whether the environment names any App+User setting (else the CLI uses DefaultAzureCredential). */
export function usesAppUser(env: Readonly<Record<string, string | undefined>>): boolean {
  return REFRESH_TOKEN_VARIABLES.some((name) => env[name]);
}

/**
 * The credential the environment describes: RefreshTokenCredential when the PARTNER_CENTER_* settings are there
 * (a token saved in PARTNER_CENTER_REFRESH_TOKEN_FILE by an earlier run wins over the variable, being newer),
 * else DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, ...).
 */
export async function credentialFromEnv(env: Readonly<Record<string, string | undefined>>): Promise<TokenCredential> {
  const file = env.PARTNER_CENTER_REFRESH_TOKEN_FILE || undefined;
  const saved = file ? await readSaved(file) : undefined;
  const values: Record<(typeof REFRESH_TOKEN_VARIABLES)[number], string | undefined> = {
    PARTNER_CENTER_REFRESH_TOKEN: saved ?? (env.PARTNER_CENTER_REFRESH_TOKEN || undefined),
    PARTNER_CENTER_CLIENT_ID: env.PARTNER_CENTER_CLIENT_ID || undefined,
    PARTNER_CENTER_CLIENT_SECRET: env.PARTNER_CENTER_CLIENT_SECRET || undefined,
    PARTNER_CENTER_TENANT_ID: env.PARTNER_CENTER_TENANT_ID || undefined,
  };
  const missing = REFRESH_TOKEN_VARIABLES.filter((name) => !values[name]);
  if (missing.length === REFRESH_TOKEN_VARIABLES.length) {
    const { DefaultAzureCredential } = await import("@azure/identity");
    return new DefaultAzureCredential();
  }
  // Half a configuration would silently fall back to another identity: say what is missing instead.
  if (missing.length > 0)
    throw new InvalidInputError(
      "the App+User credential",
      missing.map((name) => `${name} is not set`),
    );
  return new RefreshTokenCredential({
    tenantId: values.PARTNER_CENTER_TENANT_ID!,
    clientId: values.PARTNER_CENTER_CLIENT_ID!,
    clientSecret: values.PARTNER_CENTER_CLIENT_SECRET!,
    refreshToken: values.PARTNER_CENTER_REFRESH_TOKEN!,
    // National clouds sign in elsewhere, e.g. https://login.chinacloudapi.cn (with --base-url to match).
    ...(env.PARTNER_CENTER_AUTHORITY_HOST && { authorityHost: env.PARTNER_CENTER_AUTHORITY_HOST }),
    ...(file && { onRefreshTokenRotated: (next: string) => saveToken(file, next) }),
  });
}

async function readSaved(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, "utf8")).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

// Written to a private file first and renamed, so a crash never leaves half a token and no one else can read it.
/** Saves a rotated refresh token where the next run reads it. */
export async function saveToken(file: string, token: string): Promise<void> {
  await writeFileAtomic(file, `${token}\n`, 0o600);
}
