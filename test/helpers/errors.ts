/** Awaiting an expected failure in tests. */
import { PatchbayError } from "../../protocol/errors.ts";

/** The PatchbayError `promise` rejects with; fails when it resolves or rejects with anything else. */
export async function errorOf(promise: Promise<unknown>): Promise<PatchbayError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PatchbayError) return err;
    throw err;
  }
  throw new Error("expected an error");
}
