import { Argument, InvalidArgumentError, Option } from "commander";
import { isGuid } from "../guid.js";

/** Descriptions of the arguments several commands share, so every help page words them alike. */
export const describe = {
  customerId: "the customer's tenant id (a GUID)",
  userId: "the user's object id (a GUID) or user principal name",
  subscriptionId: "the subscription id (a GUID)",
  skuId: "SKU id(s), as `skus list` shows them (GUIDs)",
} as const;

/** Parses a whole number of at least `min` for an option. */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || number < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    return number;
  };
}

/**
 * Checks a GUID argument as the library does (nothing trimmed). Customer, subscription, product SKU and service
 * plan ids are all GUIDs in Partner Center's documentation (Minecraft's group2 SKUs included), so a SKU id such as
 * `xyz` is refused here, before anything is sent.
 */
export function guidValue(value: string): string {
  if (!isGuid(value)) throw new InvalidArgumentError("must be a GUID, such as 0c39d6d5-c70d-4c55-bc02-f620844f3fd1");
  return value;
}

/** Checks the text of a list filter: sent exactly as written, so it must hold something and no control character. */
export function filterValue(value: string): string {
  if (value === "") throw new InvalidArgumentError("must not be empty");
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new InvalidArgumentError("must not contain control characters");
  return value;
}

/** Checks a partner (MPN) id: digits only. */
export function partnerIdValue(value: string): string {
  if (!/^[0-9]+$/.test(value)) throw new InvalidArgumentError("must be a partner (MPN) id: digits only");
  return value;
}

/** Checks a user argument: an object id or a user principal name, sent exactly as written. */
export function userValue(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError("must not be empty");
  if (value.trim() !== value) throw new InvalidArgumentError("must not start or end with white space (it would be sent as written)");
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new InvalidArgumentError("must not contain control characters");
  return value;
}

// Commander hands a variadic argument's parser the values so far as its second argument.
const collect =
  (check: (value: string) => string) =>
  (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), check(value)];

/** The `<customerId>` argument, checked before anything is sent. */
export const customerArgument = () => new Argument("<customerId>", describe.customerId).argParser(guidValue);
/** The `<userId>` argument. */
export const userArgument = () => new Argument("<userId>", describe.userId).argParser(userValue);
/** The `<subscriptionId>` argument. */
export const subscriptionArgument = () => new Argument("<subscriptionId>", describe.subscriptionId).argParser(guidValue);
/** The `<skuId...>` argument: one or more SKU ids. */
export const skuArguments = () => new Argument("<skuId...>", describe.skuId).argParser(collect(guidValue));

/** `--request-id`: the MS-RequestId a write sends, to repeat an interrupted or failed one without applying it twice. */
export const requestIdOption = () =>
  new Option(
    "--request-id <guid>",
    "the MS-RequestId to send (default: a new one); give the one an interrupted run printed so the service applies the write at most once",
  ).argParser(guidValue);

/** `--dry-run`: check and show the write, send nothing that changes anything. */
export const dryRunOption = (description = "check the arguments and show what would be sent; send nothing") =>
  new Option("--dry-run", description);
