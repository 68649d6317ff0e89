/**
 * Switch auto-renew off: read a subscription, turn auto-renew off (a full update guarded by the etag),
 * survive a stale etag, and do it for many subscriptions at once.
 * Run: node --import tsx examples/auto-renew.ts
 */
import { createPartnerCenterClient, StaleEtagError } from "../src/index.js";
import { customerId, startMock, subscriptionId } from "./mock.js";

const mock = await startMock();
try {
  const pc = createPartnerCenterClient(mock.options);

  const subscription = await pc.subscriptions.get(customerId, subscriptionId);
  console.log(`${subscription.friendlyName}: autoRenewEnabled=${subscription.autoRenewEnabled}, etag ${subscription.attributes?.etag}`);

  // setAutoRenew reads the subscription and writes all of it back with the one field changed.
  const updated = await pc.subscriptions.setAutoRenew(customerId, subscriptionId, false);
  console.log(
    `setAutoRenew(false) answered with the subscription as the service now has it (autoRenewEnabled=${updated.autoRenewEnabled})`,
  );

  // Someone else changed the subscription between our read and our write: update() says so...
  mock.preferWhen((request) => (request.method === "PATCH" ? "code=400, example=staleEtag" : undefined));
  try {
    await pc.subscriptions.update(customerId, { ...subscription, friendlyName: "Sales team" });
  } catch (error) {
    if (!(error instanceof StaleEtagError)) throw error;
    console.log(`update with an old etag: ${error.name} (code ${error.code})`);
  }
  // ...and modify() reads again and re-applies the change by itself.
  let patches = 0;
  mock.preferWhen((request) => (request.method === "PATCH" && ++patches === 1 ? "code=400, example=staleEtag" : undefined));
  await pc.subscriptions.modify(customerId, subscriptionId, (current) => ({ ...current, friendlyName: "Sales team" }));
  console.log(`modify after a stale etag: done in ${patches} writes`);
  mock.preferWhen(undefined);

  // Many subscriptions: results stream back as they finish, failures included.
  const subscriptionIds = [subscriptionId, "bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f", "cccc2c2c-dd3d-ee4e-ff5f-000000606060"];
  let switched = 0;
  for await (const result of pc.subscriptions.bulkSetAutoRenew(
    subscriptionIds.map((id) => ({ customerId, subscriptionId: id, enabled: false })),
  )) {
    if (result.ok) switched += 1;
    else console.log(`${result.item.subscriptionId} failed: ${result.error.message}`);
  }
  console.log(`bulkSetAutoRenew: ${switched} of ${subscriptionIds.length} switched off`);
} finally {
  await mock.close();
}
