/**
 * Marks errors of the AssumeRole call that obtains the ops session, so a
 * record of the failed call says what failed (`operation: "AssumeRole"`) and
 * files STS's request id as `stsRequestId`, never as Bedrock's `requestId`.
 * The Bedrock client surfaces a credential failure as the error itself, with
 * nothing telling it apart from a Bedrock error of the same name.
 */

/** The `operation` of a record whose call failed at STS. */
export const ASSUME_ROLE_OPERATION = "AssumeRole";

const STS_FAILURE = Symbol.for("bedrock-tenancy.sts-failure");

/** Tags `err` as an AssumeRole failure (a non-object is wrapped) and returns it. */
export function markStsFailure(err: unknown): unknown {
    const target = typeof err === "object" && err !== null ? err : new Error(String(err));
    Object.defineProperty(target, STS_FAILURE, { value: true, enumerable: false });
    return target;
}

export function isStsFailure(err: unknown): boolean {
    return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[STS_FAILURE] === true;
}
