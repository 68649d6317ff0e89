import { z } from "zod";

/** A page size: the `size` of a list call. */
export const pageSize = z
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .positive({ error: "must be positive" });

/**
 * Text sent inside a list filter exactly as given (not trimmed: what goes out is what the caller wrote), so it
 * must be non-empty and free of control characters and malformed Unicode.
 */
export const filterText = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), { error: "must not contain control characters" })
  .refine((value) => !/\p{Cs}/u.test(value), { error: "must not contain a lone surrogate (malformed Unicode)" });
