import { InvalidArgumentError } from "commander";

/** Descriptions of the arguments several commands share, so every help page words them alike. */
export const describe = {
  customerId: "the customer's tenant id (a GUID)",
  userId: "the user's object id (a GUID) or user principal name",
  subscriptionId: "the subscription id (a GUID)",
  skuId: "SKU id(s), as `skus list` shows them",
} as const;

/** Parses a whole number of at least `min` for an option. */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || number < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    return number;
  };
}
