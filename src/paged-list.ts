import { z } from "zod";
import type { Runtime } from "./call.js";
import type { CallOptions } from "./context.js";
import { InvalidInputError } from "./errors.js";
import { isHeaderSafe, type ListOperation, type PageRequest, walkPages } from "./paging.js";
import { validate } from "./validation.js";

/** Most pages one walk of a streamed list reads (customers come 500 a page, users 100): a backstop against a service that never ends. */
export const MAX_STREAMED_PAGES = 10_000;

/** Settings of {@link PagedAsyncIterableIterator.byPage}. */
export interface PageSettings {
  /** Resume a walk where it stopped: the `continuationToken` of the last page read. */
  continuationToken?: string;
  /** How many items the first page holds at most (sent as `size`; later pages keep the size their next link names). */
  maxPageSize?: number;
}

/** One page of a list: its items, and the token that reads the page after it (none on the last page). */
export type ContinuablePage<Item> = Item[] & { continuationToken?: string };

/**
 * A list as Azure's SDKs return one (`PagedAsyncIterableIterator` of `@azure/core-paging`, without the
 * dependency): iterate it for the items, each page read only when the loop reaches it, or call `byPage()` for
 * the pages, and resume a walk from a page's `continuationToken`.
 */
export interface PagedAsyncIterableIterator<Item> {
  next(): Promise<IteratorResult<Item, undefined>>;
  return(): Promise<IteratorResult<Item, undefined>>;
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<Item>;
  byPage(settings?: PageSettings): AsyncIterableIterator<ContinuablePage<Item>>;
}

/** One list the library offers: the operation, the path its pages live under, and how its first page asks for a size. */
export interface ListDefinition<Item> extends Omit<ListOperation<Item>, "first"> {
  /** The path (under the base URL) every page of this list is read from; a continuation token must point under it. */
  path: string;
  /** The first page's request, asking for at most `pageSize` items when one is given. */
  first: (pageSize: number | undefined) => ListOperation<Item>["first"];
}

const pageSettings = z
  .object({
    continuationToken: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).optional(),
    maxPageSize: z
      .number({ error: "must be a number" })
      .int({ error: "must be a whole number" })
      .positive({ error: "must be positive" })
      .optional(),
  })
  .optional();

/**
 * A lazily read list: nothing is requested until the caller asks for the first item or page. `pageSize` is the
 * size the caller set on the list (byPage's `maxPageSize` takes its place).
 */
export function pagedList<Item>(
  runtime: Runtime,
  list: ListDefinition<Item>,
  call: CallOptions | undefined,
  pageSize?: number,
): PagedAsyncIterableIterator<Item> {
  async function* pages(settings: PageSettings | undefined): AsyncGenerator<ContinuablePage<Item>, void, undefined> {
    const from = settings?.continuationToken === undefined ? undefined : decodeToken(list, settings.continuationToken);
    const operation = { name: list.name, schema: list.schema, first: list.first(settings?.maxPageSize ?? pageSize) };
    for await (const page of walkPages(runtime, operation, call, { from, maxPages: MAX_STREAMED_PAGES })) {
      const items: ContinuablePage<Item> = page.items;
      if (page.next) items.continuationToken = encodeToken(page.next);
      yield items;
    }
  }
  async function* flatten(): AsyncGenerator<Item, undefined, undefined> {
    for await (const page of pages(undefined)) yield* page;
    return undefined;
  }
  let items: AsyncGenerator<Item, undefined, undefined> | undefined;
  const iterator: PagedAsyncIterableIterator<Item> = {
    next() {
      items ??= flatten();
      return items.next();
    },
    return() {
      items ??= flatten();
      return items.return(undefined);
    },
    [Symbol.asyncIterator]: () => iterator,
    byPage(settings?: PageSettings) {
      // Checked here, so that a bad token or size is refused before anything is sent.
      validate(`${list.name}.byPage`, { settings: pageSettings }, { settings });
      if (settings?.continuationToken !== undefined) decodeToken(list, settings.continuationToken);
      return pages(settings);
    },
  };
  return iterator;
}

// A continuation token holds the next page's request: its path under the base URL and the service's own token.
function encodeToken(request: PageRequest): string {
  return Buffer.from(JSON.stringify([request.path, request.continuationToken ?? null]), "utf8").toString("base64url");
}

function decodeToken(list: ListDefinition<unknown>, token: string): PageRequest {
  const refuse = (why: string) => new InvalidInputError(`${list.name}.byPage`, [`settings.continuationToken ${why}`]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw refuse("is not a token a page of this list gave");
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== "string")
    throw refuse("is not a token a page of this list gave");
  const [path, serviceToken] = decoded as [string, unknown];
  if (serviceToken !== null && (typeof serviceToken !== "string" || !isHeaderSafe(serviceToken)))
    throw refuse("holds a service token that cannot be sent in a header");
  // The path is this list's: a token of another list (or another customer's) would read something else.
  const normalized = URL.canParse(path, "https://h.invalid") ? new URL(path, "https://h.invalid") : undefined;
  const under = list.path.toLowerCase();
  const pathname = normalized?.pathname.toLowerCase();
  if (!path.startsWith("/") || path.startsWith("//") || (pathname !== under && pathname !== `${under}/`))
    throw refuse(`belongs to another list than ${list.path}`);
  return { path: normalized!.pathname + normalized!.search, continuationToken: serviceToken ?? undefined };
}
