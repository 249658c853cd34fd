import { createHmac } from "crypto";
import { assertTenantId, type Problem } from "../../contract";

/**
 * ExternalIds derived from one stack secret: HMAC-SHA256 of the tenant id
 * under the secret. Unique per tenant, stable across updates, unguessable
 * without the secret (the tenant cannot choose or predict its own), and known
 * as soon as the stack's config secrets are decrypted, so a preview that adds
 * a tenant already shows its whole trust policy.
 */

/** Marks the derivation (and its version) in every derived ExternalId. */
export const DERIVED_EXTERNAL_ID_PREFIX = "bt1.";
/** What the MAC covers besides the tenant id, so the secret derives nothing else by accident. */
const DERIVATION_CONTEXT = "bedrock-tenancy/external-id/v1/";
/** `bt1.` and 43 base64url characters: 256 bits, well within STS's 2–1,224 of `[\w+=,.@:/-]`. */
export const DERIVED_EXTERNAL_ID_LENGTH = DERIVED_EXTERNAL_ID_PREFIX.length + 43;
/** 32 characters of a random base64 string carry 192 bits. */
export const MIN_EXTERNAL_ID_SECRET_LENGTH = 32;
/** Different characters a secret must hold: a random one of 32 has many more, hexadecimal included. */
export const MIN_EXTERNAL_ID_SECRET_DISTINCT = 8;

/** `externalIdSecret` must be a string of at least {@link MIN_EXTERNAL_ID_SECRET_LENGTH} characters; the value is never shown. */
export function externalIdSecretProblem(argName: string, secret: unknown): Problem {
    if (typeof secret !== "string") return `${argName} must be a string, got ${secret === null ? "null" : typeof secret}`;
    if (secret.length < MIN_EXTERNAL_ID_SECRET_LENGTH) {
        return `${argName} must be at least ${MIN_EXTERNAL_ID_SECRET_LENGTH} characters (generate one with \`openssl rand -base64 48\`), ` +
            `got a string of ${secret.length} characters (not shown: it is secret)`;
    }
    // Every ExternalId is derived from it: 40 spaces, or one letter repeated, would let anyone compute them all.
    const distinct = new Set(secret).size;
    if (distinct < MIN_EXTERNAL_ID_SECRET_DISTINCT) {
        return `${argName} must hold at least ${MIN_EXTERNAL_ID_SECRET_DISTINCT} different characters, as a random one does (generate one with \`openssl rand -base64 48\`), ` +
            `got a string of ${secret.length} characters with ${distinct} different (not shown: it is secret)`;
    }
    return undefined;
}

/** The tenant's ExternalId under `secret`. Base64url has only `[A-Za-z0-9_-]`, all allowed by STS. */
export function deriveExternalId(secret: string, tenantId: string): string {
    assertTenantId(tenantId);
    const mac = createHmac("sha256", secret).update(`${DERIVATION_CONTEXT}${tenantId}`).digest("base64url");
    return `${DERIVED_EXTERNAL_ID_PREFIX}${mac}`;
}
