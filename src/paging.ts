import { type Runtime, type SendInit, send } from "./call.js";
import type { CallOptions } from "./context.js";
import { UnexpectedResponseError } from "./errors.js";
import { attachResponseMeta, getResponseMeta } from "./response.js";
import type { ResponseSchema } from "./schemas.js";

/** Most pages one `listAll` call follows; a service that keeps answering `next` is stopped, not followed forever. */
export const MAX_PAGES = 1000;

/** The answer of a list call: items, and a `links.next` request while more remain. */
export interface Page<Item> {
  items: Item[];
  links?:
    | {
        next?: NextLink | null | undefined;
      }
    | null
    | undefined;
}

/** A next link as the service writes it. */
export interface NextLink {
  uri?: string | null | undefined;
  headers?: Array<{ key?: string | null | undefined; value?: string | null | undefined }> | null | undefined;
}

/** Where a page is read from: a path under the base URL (with its query) and the one header a next link carries. */
export interface PageRequest {
  path: string;
  continuationToken?: string | undefined;
}

/** One list operation: its name, the schema of a page, and the request for its first page. */
export interface ListOperation<Item> {
  name: string;
  schema: ResponseSchema<Page<Item>>;
  first: (init: SendInit) => ReturnType<Parameters<typeof send>[3]>;
}

/** A page as the walk yields it: the items, with the request for the page after it (none on the last). */
export interface WalkedPage<Item> {
  items: Item[];
  next: PageRequest | undefined;
}

/**
 * Reads a list page by page, each only when the caller asks for it: the first page with `operation.first`, or,
 * when `from` is given, the page it names. Each next link is followed once: a link already followed (the service
 * looping) or a walk past `maxPages` pages ends in an UnexpectedResponseError, never in a page read twice.
 */
export async function* walkPages<Item>(
  runtime: Runtime,
  operation: ListOperation<Item>,
  call: CallOptions | undefined,
  options: { from?: PageRequest | undefined; maxPages: number },
): AsyncGenerator<WalkedPage<Item>, void, undefined> {
  const followed = new Set<string>();
  let request = options.from;
  if (request) followed.add(keyOf(request));
  for (let pages = 1; ; pages += 1) {
    const page = await readPage(runtime, operation, call, request);
    const meta = getResponseMeta(page);
    const next = page.links?.next;
    const link = next?.uri ? nextPage(runtime.baseUrl, next.uri, next.headers, operation.name) : undefined;
    const items = meta ? attachResponseMeta(page.items, meta) : page.items;
    yield { items, next: link };
    if (!link) return;
    if (followed.has(keyOf(link)))
      throw new UnexpectedResponseError(
        operation.name,
        200,
        ["the service sent a next link it had sent before; it was not read again"],
        meta,
      );
    if (pages >= options.maxPages)
      throw new UnexpectedResponseError(operation.name, 200, [`the list went on past ${options.maxPages} pages`], meta);
    followed.add(keyOf(link));
    request = link;
  }
}

/**
 * Runs a list call and follows its `links.next` pages, returning every item. A next link is followed only
 * under the client's base URL (same origin and path prefix), so the bearer token never goes anywhere else,
 * and only its MS-ContinuationToken header is taken over.
 */
export async function listAll<Item>(
  runtime: Runtime,
  operation: Omit<ListOperation<Item>, "first">,
  call: CallOptions | undefined,
  first: ListOperation<Item>["first"],
): Promise<Item[]> {
  const items: Item[] = [];
  let meta: ReturnType<typeof getResponseMeta>;
  for await (const page of walkPages(runtime, { ...operation, first }, call, { maxPages: MAX_PAGES })) {
    meta ??= getResponseMeta(page.items);
    items.push(...page.items);
  }
  return meta ? attachResponseMeta(items, meta) : items;
}

async function readPage<Item>(
  runtime: Runtime,
  operation: ListOperation<Item>,
  call: CallOptions | undefined,
  request: PageRequest | undefined,
): Promise<Page<Item>> {
  // A next page's path is not a spec template, so it goes through openapi-fetch's untyped form.
  const get = runtime.raw.GET as unknown as (path: string, init: SendInit) => ReturnType<ListOperation<Item>["first"]>;
  const page = await send(runtime, operation, call, (init) => {
    if (!request) return operation.first(init);
    const token = request.continuationToken;
    return get(request.path, { ...init, headers: { ...init.headers, ...(token !== undefined && { "MS-ContinuationToken": token }) } });
  });
  // With `validation: "off"` nothing else has looked at the answer; a list without items is still not a list.
  if (!Array.isArray(page.items))
    throw new UnexpectedResponseError(operation.name, 200, ["the answer has no items list"], getResponseMeta(page));
  return page;
}

const keyOf = (request: PageRequest) => `${request.path}\n${request.continuationToken ?? ""}`;

/** The version segment the spec's server URL defaults to; links may start with it though the base URL does not. */
const DEFAULT_VERSION = "v1";
const LEADING_VERSION = /^\/(v\d+)(?=[/?#]|$)/i;

/**
 * The request a next link names, as a path under the base URL. The service writes next links in several forms:
 * rooted at the API root WITH the version segment (the customers docs: "/v1/customers?size=40&seekOperation=Next";
 * prefixing the base path again would ask for /v1/v1/customers, as the .NET SDK did), rooted WITHOUT it
 * ("/customers/..."), or absolute. Whatever the form, the target must lie under the base URL, or it is refused.
 */
export function nextPage(baseUrl: string, uri: string, headers: NextLink["headers"], operation: string): PageRequest {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith("//");
  const target = !URL.canParse(uri, base)
    ? undefined
    : absolute
      ? new URL(uri, base)
      : new URL(underApiRoot(basePath, uri.startsWith("/") ? uri : `/${uri}`), base);
  if (!target || target.origin !== base.origin || !target.pathname.startsWith(`${basePath}/`)) {
    throw new UnexpectedResponseError(operation, 200, [`the next-page link points outside ${base.origin}${basePath}; it was not followed`]);
  }
  return { path: target.pathname.slice(basePath.length) + target.search, continuationToken: continuationTokenOf(headers, operation) };
}

// The base path ends in the version segment ("/v1") or, for a mock or proxy, may have none.
function underApiRoot(basePath: string, path: string): string {
  const linkVersion = LEADING_VERSION.exec(path)?.[1];
  if (linkVersion === undefined) return basePath + path;
  const baseVersion = /\/(v\d+)$/i.exec(basePath)?.[1];
  // Rooted at the API root: a link to another version than the base's lands outside the base and is refused.
  if (baseVersion !== undefined) return basePath.slice(0, -baseVersion.length - 1) + path;
  return linkVersion.toLowerCase() === DEFAULT_VERSION ? basePath + path.slice(linkVersion.length + 1) : basePath + path;
}

// Only the continuation token is taken from a link's headers: the others could redirect or impersonate.
function continuationTokenOf(headers: NextLink["headers"], operation: string): string | undefined {
  let token: string | undefined;
  for (const header of headers ?? []) {
    if (header.key?.toLowerCase() !== "ms-continuationtoken" || typeof header.value !== "string") continue;
    if (!isHeaderSafe(header.value))
      throw new UnexpectedResponseError(operation, 200, [
        "the next-page continuation token is not printable ASCII, so it cannot be sent back",
      ]);
    token = header.value;
  }
  return token;
}

/** Whether a value can go back in a header as it is: printable ASCII and tabs. */
export const isHeaderSafe = (value: string) => /^[\t\x20-\x7e]*$/.test(value);
