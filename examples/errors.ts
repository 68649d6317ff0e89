/**
 * Errors: each failure arrives as one typed class, with the service's code and words and the ids to quote
 * to Microsoft support. Bad arguments are refused before anything is sent.
 * Run: node --import tsx examples/errors.ts
 */
import {
  ConditionalAccessBlockedError,
  createPartnerCenterClient,
  InvalidInputError,
  isPartnerCenterError,
  isServiceError,
  LicenseQuotaExceededError,
  NotFoundError,
  PartnerTokenNotAllowedError,
  TooManyRequestsError,
} from "../src/index.js";
import { customerId, startMock, subscriptionId, userId } from "./mock.js";

const skuId = "f8a1db68-be16-40ed-86d5-cb42ce701560";

const mock = await startMock();
try {
  // retry: false so the 429 below reaches us at once instead of being waited out.
  const pc = createPartnerCenterClient({ ...mock.options, retry: false });

  // Refused before sending: every problem is listed, and no request reaches the service.
  const sent = mock.requests.length;
  try {
    await pc.licenses.assign("not-a-guid", "", "");
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    console.log(`InvalidInputError, ${mock.requests.length - sent} requests sent: ${error.problems.join("; ")}`);
  }

  // What the service answers, each asked of the mock by its documented example.
  const cases: [prefer: string, call: () => Promise<unknown>][] = [
    ["code=400, example=licenseQuotaExceeded", () => pc.licenses.assign(customerId, userId, skuId)],
    ["code=400, example=partnerTokenNotAllowed", () => pc.licenses.listAssigned(customerId, userId)],
    ["code=403, example=conditionalAccessBlocked", () => pc.licenses.listSubscribedSkus(customerId)],
    ["code=404, example=subscriptionNotFound", () => pc.subscriptions.get(customerId, subscriptionId)],
    ["code=429", () => pc.upgrades.list(customerId, subscriptionId)],
  ];
  for (const [prefer, call] of cases) {
    mock.preferNext(prefer);
    try {
      await call();
      throw new Error(`expected an error for ${prefer}`);
    } catch (error) {
      console.log(explain(error));
    }
  }
} finally {
  await mock.close();
}

/** One line per error: what to do about it, then the details every PartnerCenterError carries. */
function explain(error: unknown): string {
  if (!isPartnerCenterError(error)) throw error;
  let advice = "quote the ids to support";
  if (error instanceof LicenseQuotaExceededError) advice = "buy more licenses";
  else if (error instanceof PartnerTokenNotAllowedError) advice = "use an App+User token (RefreshTokenCredential)";
  else if (error instanceof ConditionalAccessBlockedError) advice = "ask the customer to exclude the partner from Conditional Access";
  else if (error instanceof NotFoundError) advice = "check the ids";
  else if (error instanceof TooManyRequestsError) advice = `wait ${error.retryAfterMs ?? "a few"} ms`;
  const details = isServiceError(error)
    ? [`status ${error.status}`, error.code !== undefined && `code ${error.code}`, `category ${error.category}`].filter(Boolean).join(", ")
    : "";
  return `${error.name} (${details}): ${advice}. MS-RequestId ${error.requestId}`;
}
