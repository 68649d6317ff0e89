import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const run = promisify(execFile);

// Each example starts its own Prism mock and exits 0 only if the mock flagged none of its requests.
const expected: Record<string, RegExp[]> = {
  "assign-license.ts": [
    /^SKU ENTERPRISEPACK: 3 of 25 free$/m,
    /^Assigned f8a1db68-be16-40ed-86d5-cb42ce701560 to adele\.vance@contoso\.onmicrosoft\.com/m,
    /^adele\.vance@contoso\.onmicrosoft\.com has: Office 365 Enterprise E3$/m,
    /^Removed f8a1db68-be16-40ed-86d5-cb42ce701560/m,
  ],
  "auto-renew.ts": [
    /^Microsoft 365 Business Basic: autoRenewEnabled=true, etag \S+$/m,
    /autoRenewEnabled=false\)$/m,
    /^update with an old etag: StaleEtagError \(code 2055\)$/m,
    /^modify after a stale etag: done in 2 writes$/m,
    /^bulkSetAutoRenew: 3 of 3 switched off$/m,
  ],
  "bulk-licenses.ts": [
    /^failed: user05@contoso\.com: LicenseQuotaExceededError \[MS-RequestId [0-9a-f-]{36}\]$/m,
    /^failed: user15@contoso\.com: LicenseQuotaExceededError/m,
    /^first run: 18 done, 2 failed, 0 throttled$/m,
    /^re-run of the failures: 2 of 2 done$/m,
  ],
  "errors.ts": [
    /^InvalidInputError, 0 requests sent: customerId must be a GUID; userId must not be empty; licenses\[0\] must not be empty$/m,
    /^LicenseQuotaExceededError \(status 400, code 60012, category BadInput\): buy more licenses/m,
    /^PartnerTokenNotAllowedError \(status 400, code 900316, category BadInput\)/m,
    /^ConditionalAccessBlockedError \(status 403, code 900309, category Forbidden\)/m,
    /^NotFoundError \(status 404, code 20003, category NotFound\)/m,
    /^TooManyRequestsError \(status 429, category TooManyRequests\): wait 30000 ms/m,
  ],
  "upgrades.ts": [
    /^Office 365 Business Premium \(upgrade_with_license_transfer\): eligible$/m,
    /^Office 365 Enterprise E5 \(none\): blocked, subscription_add_ons_present: /m,
    /^Upgraded: aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e -> 8d2f1e7a-3b4c-4d5e-8f6a-7b8c9d0e1f2a/m,
    /^Upgrade refused: UpgradeRejectedError; licenses not moved for adele@contoso\.onmicrosoft\.com \(60012\)$/m,
  ],
};

test("every example in examples/ has expectations here", async () => {
  const scripts = (await readdir("examples")).filter((name) => name.endsWith(".ts") && name !== "mock.ts");
  expect(scripts.sort()).toEqual(Object.keys(expected).sort());
});

test.each(Object.entries(expected))(
  "examples/%s runs against the mock and exits 0",
  async (name, lines) => {
    const { PRISM_LOG: _, ...env } = process.env;
    // execFile rejects on a non-zero exit, with stdout and stderr attached.
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", `examples/${name}`], { env, timeout: 60_000 });
    expect(stderr).toBe("");
    for (const line of lines) expect(stdout).toMatch(line);
  },
  60_000,
);
