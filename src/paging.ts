import { type Runtime, type SendInit, send } from "./call.js";
import type { CallOptions } from "./context.js";
import { UnexpectedResponseError } from "./errors.js";
import { attachResponseMeta, getResponseMeta } from "./response.js";
import type { ResponseSchema } from "./schemas.js";

/** Most pages one list call follows; a service that keeps answering `next` is stopped, not followed forever. */
export const MAX_PAGES = 1000;

interface Page<Item> {
  items: Item[];
  links?:
    | {
        next?:
          | {
              uri?: string | null | undefined;
              headers?: Array<{ key?: string | null | undefined; value?: string | null | undefined }> | null | undefined;
            }
          | null
          | undefined;
      }
    | null
    | undefined;
}

type FirstPage = Parameters<typeof send>[3];

/**
 * Runs a list call and follows its `links.next` pages, returning every item. A next link is followed only
 * under the client's base URL (same origin and path prefix), so the bearer token never goes anywhere else,
 * and only its MS-ContinuationToken header is taken over.
 */
export async function listAll<Item>(
  runtime: Runtime,
  operation: { name: string; schema: ResponseSchema<Page<Item>> },
  call: CallOptions | undefined,
  first: FirstPage,
): Promise<Item[]> {
  let page = pageOf(await send(runtime, operation, call, first), operation.name);
  const meta = getResponseMeta(page);
  const items = [...page.items];
  for (let pages = 1; page.links?.next?.uri; pages += 1) {
    if (pages >= MAX_PAGES) throw new UnexpectedResponseError(operation.name, 200, [`the list went on past ${MAX_PAGES} pages`], meta);
    const next = nextPage(runtime.baseUrl, page.links.next, operation.name);
    // The page path is not a spec template, so it goes through openapi-fetch's untyped form.
    const get = runtime.raw.GET as unknown as (path: string, init: SendInit) => ReturnType<FirstPage>;
    page = pageOf(
      await send(runtime, operation, call, (init) => get(next.path, { ...init, headers: { ...init.headers, ...next.headers } })),
      operation.name,
    );
    items.push(...page.items);
  }
  return meta ? attachResponseMeta(items, meta) : items;
}

// With `validation: "off"` nothing else has looked at the answer; a list without items is still not a list.
function pageOf<Item>(page: Page<Item>, operation: string): Page<Item> {
  if (!Array.isArray(page.items))
    throw new UnexpectedResponseError(operation, 200, ["the answer has no items list"], getResponseMeta(page));
  return page;
}

function nextPage(
  baseUrl: string,
  link: NonNullable<NonNullable<Page<unknown>["links"]>["next"]>,
  operation: string,
): { path: string; headers: Record<string, string> } {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  const uri = link.uri ?? "";
  // Partner Center writes next links relative to the version root ("/customers/...?seek=..."); an absolute
  // one must point under the base URL.
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith("//");
  const target = URL.canParse(uri, base) ? new URL(absolute ? uri : basePath + (uri.startsWith("/") ? uri : `/${uri}`), base) : undefined;
  if (!target || target.origin !== base.origin || !target.pathname.startsWith(`${basePath}/`)) {
    throw new UnexpectedResponseError(operation, 200, [`the next-page link points outside ${base.origin}${basePath}; it was not followed`]);
  }
  const headers: Record<string, string> = {};
  for (const header of link.headers ?? []) {
    if (header.key?.toLowerCase() !== "ms-continuationtoken" || header.value === undefined || header.value === null) continue;
    if (!/^[\t\x20-\x7e]*$/.test(header.value))
      throw new UnexpectedResponseError(operation, 200, [
        "the next-page continuation token is not printable ASCII, so it cannot be sent back",
      ]);
    headers["MS-ContinuationToken"] = header.value;
  }
  return { path: target.pathname.slice(basePath.length) + target.search, headers };
}
