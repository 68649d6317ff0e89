/**
 * Whether a value is a GUID, as the library checks one (nothing trimmed). The CLI checks ids itself so that it
 * can name its own arguments and columns, and so that `--help` and `--dry-run` need not load the library's schemas.
 */
export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
