import { z } from "zod";
import { inBothModes, openObject } from "./modes.js";

// Pieces every resource shares. None holds an enum, so both modes build the same schemas.

/** `code` as sent: an integer, or a string (the docs type it so); numeric strings become numbers. */
const faultCode = z.union([z.int(), z.string()], { error: "expected an integer or a string" }).transform(numericIfPossible);

function numericIfPossible(code: number | string): number | string {
  return typeof code === "string" && /^\d+$/.test(code.trim()) ? Number(code) : code;
}

/** One detail of a fault: a string, or an object kept as it came. */
const faultDataItem = z.union([z.string(), z.record(z.string(), z.unknown())], { error: "expected a string or an object" });

function buildCommon() {
  const resourceAttributes = openObject({ etag: z.string().nullish(), objectType: z.string().nullish() });
  const keyValuePair = openObject({ key: z.string().nullish(), value: z.string().nullish() });
  const link = openObject({
    uri: z.string().nullish(),
    method: z.string().nullish(),
    headers: z.array(keyValuePair).nullish(),
    body: z.string().nullish(),
  });
  const resourceLinks = openObject({ self: link.nullish(), next: link.nullish(), previous: link.nullish() });
  const serviceFault = openObject({
    code: faultCode.nullish(),
    description: z.string().nullish(),
    data: z.array(faultDataItem).nullish(),
    source: z.string().nullish(),
  });
  // An error inside a 200 answer (the .NET SDK's ApiFault): code is a string there, numbers are accepted too.
  const apiFault = openObject({
    code: faultCode.nullish(),
    description: z.string().nullish(),
    data: z.array(faultDataItem).nullish(),
    attributes: resourceAttributes.nullish(),
  });
  // The 429 body differs from ServiceFault.
  const throttleFault = openObject({ statusCode: z.int().nullish(), message: z.string().nullish() });
  return { resourceAttributes, keyValuePair, link, resourceLinks, serviceFault, apiFault, throttleFault };
}

/** Attributes, links, faults: the schemas every resource uses. */
export const commonSchemas = inBothModes(buildCommon);

/** The envelope of every list answer around `item`: totalCount, items, paging links, attributes. */
export function collectionOf<Item extends z.ZodType>(item: Item) {
  return openObject({
    totalCount: z.int().nullish(),
    items: z.array(item),
    links: commonSchemas.resourceLinks.lenient.nullish(),
    attributes: commonSchemas.resourceAttributes.lenient.nullish(),
  });
}

/** A list answer: `items` and the paging envelope. */
export type Collection<Item> = Omit<z.output<ReturnType<typeof collectionOf>>, "items"> & { items: Item[] };
/** Metadata on every resource; `etag` is what an update sends back. */
export type ResourceAttributes = z.output<typeof commonSchemas.resourceAttributes.lenient>;
/** A link to a related resource. */
export type Link = z.output<typeof commonSchemas.link.lenient>;
/** The body of an error answer. */
export type ServiceFault = z.output<typeof commonSchemas.serviceFault.lenient>;
/** An error inside a 200 answer (a user whose licenses did not move during an upgrade). */
export type ApiFault = z.output<typeof commonSchemas.apiFault.lenient>;
/** The body of a 429 answer. */
export type ThrottleFault = z.output<typeof commonSchemas.throttleFault.lenient>;
