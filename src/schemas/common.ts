import { z } from "zod";
import { inBothModes, openObject } from "./modes.js";

// Pieces every resource shares. None holds an enum, so both modes build the same schemas.

/** `code` as sent: an integer, or a string (the docs type it so); numeric strings become numbers. */
const faultCode = z.union([z.int(), z.string()], { error: "expected an integer or a string" }).transform(numericIfPossible);

function numericIfPossible(code: number | string): number | string {
  return typeof code === "string" && /^\d+$/.test(code.trim()) ? Number(code) : code;
}

function buildCommon() {
  const resourceAttributes = openObject({ etag: z.string().optional(), objectType: z.string().optional() });
  const keyValuePair = openObject({ key: z.string().optional(), value: z.string().optional() });
  const link = openObject({
    uri: z.string().optional(),
    method: z.string().optional(),
    headers: z.array(keyValuePair).optional(),
    body: z.string().optional(),
  });
  const resourceLinks = openObject({ self: link.optional(), next: link.optional(), previous: link.optional() });
  const serviceFault = openObject({
    code: faultCode.optional(),
    description: z.string().optional(),
    data: z.array(z.string()).nullable().optional(),
    source: z.string().optional(),
  });
  // The 429 body differs from ServiceFault.
  const throttleFault = openObject({ statusCode: z.int().optional(), message: z.string().optional() });
  return { resourceAttributes, keyValuePair, link, resourceLinks, serviceFault, throttleFault };
}

/** Attributes, links, faults: the schemas every resource uses. */
export const commonSchemas = inBothModes(buildCommon);

/** The envelope of every list answer around `item`: totalCount, items, paging links, attributes. */
export function collectionOf<Item extends z.ZodType>(item: Item) {
  return openObject({
    totalCount: z.int().optional(),
    items: z.array(item),
    links: commonSchemas.resourceLinks.lenient.optional(),
    attributes: commonSchemas.resourceAttributes.lenient.optional(),
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
/** The body of a 429 answer. */
export type ThrottleFault = z.output<typeof commonSchemas.throttleFault.lenient>;
