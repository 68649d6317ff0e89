/** msal-node is an optional peer: the credential loads it at its first redemption and says which package is missing. */
import { afterEach, expect, test, vi } from "vitest";

afterEach(() => {
  vi.doUnmock("@azure/msal-node");
  vi.resetModules();
});

const options = { tenantId: "contoso.onmicrosoft.com", clientId: "client", clientSecret: "secret", refreshToken: "refresh" };

test("without @azure/msal-node the first redemption fails naming the package, sends nothing, and tries again next time", async () => {
  let installed = false;
  vi.doMock("@azure/msal-node", () => {
    if (!installed) throw new Error("Cannot find package '@azure/msal-node'");
    return { ConfidentialClientApplication: class {} };
  });
  vi.resetModules();
  const { RefreshTokenCredential } = await import("../../src/refresh-token-credential.js");
  const { AuthenticationError } = await import("../../src/errors.js");
  const fetch = vi.fn<typeof globalThis.fetch>();
  const credential = new RefreshTokenCredential({ ...options, fetch });

  const error = await credential.getToken("https://api.partnercenter.microsoft.com/user_impersonation").catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(AuthenticationError);
  expect((error as Error).message).toMatch(/needs the package @azure\/msal-node@\^5.*npm install @azure\/msal-node/);
  expect((error as Error).message).not.toContain("secret");
  expect(fetch).not.toHaveBeenCalled();

  // Installed afterwards: the next redemption imports it (this stand-in has no acquireTokenByRefreshToken).
  installed = true;
  vi.resetModules();
  const again = await credential.getToken("https://api.partnercenter.microsoft.com/user_impersonation").catch((caught: unknown) => caught);
  expect((again as Error).message).toMatch(/could not redeem the refresh token/);
});
