/**
 * If-Match wants the etag in double quotes. Etags read from `attributes.etag` come bare, but a caller may
 * pass one already quoted (or weak, W/"..."): quote once, never twice. Nothing else is changed.
 */
export function ifMatchValue(etag: string): string {
  if (/^(W\/)?".*"$/s.test(etag)) return etag;
  return `"${etag}"`;
}

/** The etag in a resource's attributes, or undefined when absent or empty. */
export function etagOf(resource: { attributes?: { etag?: unknown } | null | undefined }): string | undefined {
  const etag = resource.attributes?.etag;
  return typeof etag === "string" && etag.trim() !== "" ? etag : undefined;
}
