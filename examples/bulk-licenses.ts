/**
 * Bulk: assign a SKU to many users across customer tenants, watch progress, collect the failures, and feed
 * only those back in once the cause is fixed.
 * Run: node --import tsx examples/bulk-licenses.ts
 */
import { type BulkLicenseItem, createPartnerCenterClient } from "../src/index.js";
import { startMock } from "./mock.js";

const skuId = "f8a1db68-be16-40ed-86d5-cb42ce701560";
const customers = ["0c39d6d5-c70d-4c55-bc02-f620844f3fd1", "1d4ae7e6-d81e-4d66-8d13-0731955e4fe2"];

// Any iterable or async iterable works, read lazily: a generator over a CSV file keeps memory flat.
function* rows(): Generator<BulkLicenseItem> {
  for (let n = 1; n <= 20; n += 1) {
    const customerId = customers[n % customers.length] ?? "";
    yield { customerId, userId: `user${String(n).padStart(2, "0")}@contoso.com`, update: { licensesToAssign: [{ skuId }] } };
  }
}

const mock = await startMock();
try {
  const pc = createPartnerCenterClient(mock.options);

  // One customer tenant has run out of E3 licenses for the users whose number ends in 5.
  mock.preferWhen((request) => (/user\d5%40/.test(request.url) ? "code=400, example=licenseQuotaExceeded" : undefined));
  const failures: BulkLicenseItem[] = [];
  let last = "";
  for await (const result of pc.licenses.bulkUpdate(rows(), {
    concurrency: 8,
    perCustomerConcurrency: 4,
    onProgress: (progress) => {
      last = `${progress.done} done, ${progress.failed} failed, ${progress.throttled} throttled`;
    },
  })) {
    if (!result.ok) {
      failures.push(result.item);
      console.log(`failed: ${result.item.userId}: ${result.error.name} [MS-RequestId ${result.requestId}]`);
    }
  }
  console.log(`first run: ${last}`);

  // Licenses bought: run only the failed rows again.
  mock.preferWhen(undefined);
  let fixed = 0;
  for await (const result of pc.licenses.bulkUpdate(failures)) if (result.ok) fixed += 1;
  console.log(`re-run of the failures: ${fixed} of ${failures.length} done`);
} finally {
  await mock.close();
}
